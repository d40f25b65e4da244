"""The FastAPI guideline workbook engine."""
