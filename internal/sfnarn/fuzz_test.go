package sfnarn

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse and ParseLocal never panic, that what they accept prints back to the input, and
// that Parse accepts nothing ParseLocal refuses. Seeds are in testdata/fuzz/FuzzParse; a crash the fuzzer finds
// lands there too and stays as a regression test.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"arn:aws:states:eu-west-1:123456789012:stateMachine:orders:prod",
		"arn:aws-eusc:states:eusc-de-east-1:123456789012:express:m/l:e:id",
		"arn:aws:states:us-east-1:000000000000::0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		local, lerr := ParseLocal(s)
		if lerr == nil && local.String() != s {
			t.Errorf("ParseLocal(%q).String() = %q, want the input", s, local.String())
		}
		a, err := Parse(s)
		if err != nil {
			if utf8.ValidString(s) && !strings.Contains(err.Error(), "ARN") {
				t.Errorf("Parse(%q) error %q does not say it is about an ARN", s, err)
			}
			return
		}
		if lerr != nil || local != a {
			t.Errorf("Parse(%q) = %+v but ParseLocal = %+v, %v", s, a, local, lerr)
		}
		if got := a.String(); got != s {
			t.Errorf("Parse(%q).String() = %q, want the input", s, got)
		}
		if a.Kind < StateMachine || a.Kind > Activity {
			t.Errorf("Parse(%q).Kind = %v", s, a.Kind)
		}
		if p, ok := PartitionOf(a.Region); !ok || p != a.Partition {
			t.Errorf("Parse(%q) accepted region %q of partition %q, %v", s, a.Region, p, ok)
		}
	})
}
