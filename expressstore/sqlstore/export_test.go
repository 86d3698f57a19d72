package sqlstore

// SetPurgeHook makes s call hook inside each purge transaction, between the
// deletion of names (those of expired runs and expired claims) and that of
// runs, so that a test can record a run in between.
func SetPurgeHook(s *Store, hook func()) { s.purgeHook = hook }
