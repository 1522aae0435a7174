"""Use cases. Each public function is one unit of work: it commits once, and
nothing it calls commits."""
