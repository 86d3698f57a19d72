package auth

import (
	"context"
	"testing"
)

// BenchmarkCachedRetrieve measures what every signed AWS call pays for its
// credentials once they are cached.
func BenchmarkCachedRetrieve(b *testing.B) {
	p, err := Static(testKeyID, testSecret, "").Credentials(context.Background(), testBase())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
