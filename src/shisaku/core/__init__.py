"""Cross-cutting pieces: the data generation number, the audit trail, navigation, bootstrap."""
