"""HTTP for uploads: staff and integrations post photos and files (photos/ checks and keeps
them) and read those of the tickets they may see (tickets/), so it sits above both."""
