package sqlstore

// SetPurgeHook makes s call hook inside each purge transaction, between the
// deletion of the names of expired runs and that of the runs, so that a test
// can record a run in between.
func SetPurgeHook(s *Store, hook func()) { s.purgeHook = hook }
