"""The only package that imports SpiffWorkflow.

``bundle.compile_bundle`` turns uploaded files into deployable processes (or
problems); ``runtime.Run`` runs one command against one instance;
``actions`` is the registry of service-task operations."""
