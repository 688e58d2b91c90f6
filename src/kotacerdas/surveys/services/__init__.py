"""Services of the citizen survey: the window, the submission of responses, the aggregates."""
