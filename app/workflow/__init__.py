"""The only package that imports SpiffWorkflow.

``bundle.compile_bundle`` turns uploaded files into deployable processes (or
problems); ``runtime.Run`` runs one command against one instance, calling
back its caller for each service task (the registry of service-task
operations is ``app.actions``, below this package)."""
