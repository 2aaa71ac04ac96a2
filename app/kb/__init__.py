"""The knowledge base (zhishi ku): articles that agents answer consultations from."""
