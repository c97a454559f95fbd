"""The deviation register's pages: list and CSV export, register and edit, the deviation page
with its status, files and tasks."""
