"""The audit log: who changed what in the city's set-up, and who read a reporter."""
