"""The only code that touches xlwings objects: UDFs (`udfs`), button handlers
(`buttons`) and the adapter between a live book and the engine's plain data
(`live`).  Everything here is thin: it reads the book, calls the same planner
as the terminal twin, and writes back."""
