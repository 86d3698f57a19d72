package stepfunctions

// Run names: the name a start gives its execution, chosen by the caller (WithName) or derived from an idempotency
// key (IdempotentRunID says which run that is).

// WithName names the run's execution name instead of Polysync-<UUIDv7> (or the name WithIdempotencyKey derives,
// which it replaces). The name must be a valid execution name: 1 to 80 characters, no whitespace, no control
// characters and none of < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / (Step Functions refuses others,
// ErrInvalidInput). A Standard execution's name is unique per state machine for 90 days after it closes: starting
// the same name again with the same parameters returns the existing run, as a repeated idempotency key does, and
// with other parameters fails with ErrIdempotencyConflict.
//
// A run with a chosen name loses what the Polysync-<UUIDv7> name gives: Config.NotFoundGrace then only applies
// within the Provider that started it.
func WithName(name string) ExecuteOption {
	return func(o *executeOptions) { o.name = &name }
}

// nameOr returns the name WithName chose, or name.
func (o *executeOptions) nameOr(name string) string {
	if o.name != nil {
		return *o.name
	}
	return name
}

// IdempotentRunID returns the run ID that ExecutePipeline gives a Standard run of jobID started
// WithIdempotencyKey(key): the execution ARN of jobID's state machine with the name derived from the key. It
// calls nothing; GetPipelineRunStatus on the ID tells whether that run exists (ErrRunNotFound when it does not),
// so a caller can say whether a repeated start started anything.
func IdempotentRunID(jobID, key string) (string, error) {
	const op = "IdempotentRunID"
	sm, err := parseStateMachineARN(jobID)
	if err != nil {
		return "", invalid(op, "job ID: %w", err)
	}
	if key == "" {
		return "", invalid(op, "empty idempotency key")
	}
	return sm.Execution(idempotentName(sm.Base().String(), key)).String(), nil
}
