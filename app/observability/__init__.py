"""What the service tells its operators: each request's id, its log lines, its metrics."""
