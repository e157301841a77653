"""The demo store's made-up data: a year of work by Hertfordshire's neighbourhood teams.

Not a service: `Services.build_demo` and `make_demo_folder` (services/api.py) call the builder
(`builder.py`), which writes in bulk through the store with the services' context.
"""
