"""The only package that imports SpiffWorkflow.

``bundle.compile_bundle`` turns uploaded files into deployable processes (or
problems); ``runtime.Run`` runs one command against one instance and reports
what it did as one ``outcome.Outcome``. The service-task operations it calls
are registered in ``app.actions``, below this package and the ledger."""
