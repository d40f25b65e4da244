"""What can go wrong when the project-data service is called."""

from app.core.exceptions import BadGatewayError, GatewayTimeoutError


class UpstreamFailedError(BadGatewayError):
    code = "upstream-failed"
    title = "A service this answer depends on failed"


class UpstreamTimeoutError(GatewayTimeoutError):
    code = "upstream-timeout"
    title = "A service this answer depends on did not answer in time"


class BudgetExceededError(GatewayTimeoutError):
    code = "budget-exceeded"
    title = "The answer took longer than its time budget"
