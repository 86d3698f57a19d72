package stepfunctions

import (
	"testing"
	"unicode/utf8"
)

// FuzzSuggestParameters checks that no definition makes the suggester panic, and that what it suggests is a list
// BuildInput accepts: named, directions known, no two names equal case-insensitively, Optional only on inputs.
// Seeds are the table's definitions and testdata/fuzz/FuzzSuggestParameters.
func FuzzSuggestParameters(f *testing.F) {
	for _, tc := range suggestCases {
		f.Add(tc.definition)
	}
	f.Fuzz(func(t *testing.T, definition string) {
		params, _, err := suggestParameters(definition)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, prm := range params {
			if prm.Name == "" || !utf8.ValidString(prm.Name) && utf8.ValidString(definition) {
				t.Fatalf("suggestParameters(%q) suggests the name %q", definition, prm.Name)
			}
			if seen[foldKey(prm.Name)] {
				t.Fatalf("suggestParameters(%q) suggests %q twice (case-insensitively)", definition, prm.Name)
			}
			seen[foldKey(prm.Name)] = true
			if _, ok := parseDirection(prm.Direction); !ok || prm.Value != "" {
				t.Fatalf("suggestParameters(%q) = %+v: bad direction or a value", definition, prm)
			}
			if prm.Optional && prm.Direction == DirectionOutput {
				t.Fatalf("suggestParameters(%q) marks output %q optional", definition, prm.Name)
			}
		}
	})
}
