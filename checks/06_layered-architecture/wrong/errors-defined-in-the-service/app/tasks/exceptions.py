"""What can go wrong with a task, in the domain's words."""
