package expressstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
)

// Two replicas start the same idempotent run: one wins the claim and starts
// the execution, the other waits for its result instead of starting a
// second execution.
func ExampleNewMemory() {
	ctx := context.Background()
	store := expressstore.NewMemory(func(o *expressstore.MemoryOptions) {
		o.Capacity = 1000     // runs and pending claims
		o.MaxBytes = 64 << 20 // their outputs, errors and causes
	})
	claim := expressstore.Result{
		Name:        "Polysync-4c1e...",
		JobID:       "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
		InputDigest: "sha256:9f86d08...",
	}

	a := claim
	a.Owner = "replica-a"
	_, won, _ := store.Claim(ctx, a, 6*time.Minute)
	fmt.Println("replica a won:", won)

	b := claim
	b.Owner = "replica-b"
	rec, won, _ := store.Claim(ctx, b, 6*time.Minute)
	fmt.Println("replica b won:", won, "pending:", rec.Pending(), "owner:", rec.Owner)

	// Replica a ran the execution (StartSyncExecution) and records it.
	_ = store.Put(ctx, expressstore.Result{
		RunID:       "arn:aws:states:us-east-1:123456789012:express:orders:Polysync-4c1e...:1b2c",
		JobID:       claim.JobID,
		Name:        claim.Name,
		InputDigest: claim.InputDigest,
		Owner:       "replica-a",
		Status:      expressstore.StatusSucceeded,
		Output:      `{"total":42}`,
	})

	// Replica b claims again after a pause and gets the run.
	rec, won, _ = store.Claim(ctx, b, 6*time.Minute)
	fmt.Println("replica b won:", won, "status:", rec.Status, "output:", rec.Output)
	// Output:
	// replica a won: true
	// replica b won: false pending: true owner: replica-a
	// replica b won: false status: SUCCEEDED output: {"total":42}
}
