package asl

import (
	"strings"
	"testing"
)

// The ItemReader and ResultWriter rules read the state's definition as
// written: they are tested here on a Map state whose written form has the
// field, apart from the parsed reader that reads the data (see
// sfnlocal's TestTestStateMapItemReaderData).
func TestTestStateReaderAndWriterRules(t *testing.T) {
	m, name, raw, err := testStateMachine(`{"Type":"Map","End":true,
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}`, "")
	if err != nil {
		t.Fatal(err)
	}
	st := m.states[name]
	withField := func(f string, v any) map[string]any {
		out := map[string]any{f: v}
		for k, x := range raw {
			out[k] = x
		}
		return out
	}
	data := func(s string) *TestStateInput { return &TestStateInput{MapItemReaderData: &s} }

	reader := withField("ItemReader", map[string]any{"Resource": "arn:aws:states:::s3:getObject"})
	cfg, err := checkStateConfig(data(`[1,2,3]`), st, reader)
	if err != nil || !cfg.reader || cfg.readerData == nil || *cfg.readerData != `[1,2,3]` {
		t.Errorf("checkStateConfig(ItemReader, [1,2,3]) = %+v, %v; want the data kept", cfg, err)
	}
	if _, err := checkStateConfig(data(`[1,`), st, reader); err == nil ||
		!strings.Contains(err.Error(), "'stateConfiguration.mapItemReaderData' failed to satisfy constraint: Member must be valid JSON") {
		t.Errorf("checkStateConfig(ItemReader, [1,) = %v, want a JSON error", err)
	}
	csv := withField("ItemReader", map[string]any{"ReaderConfig": map[string]any{"InputType": "CSV"}})
	if cfg, err := checkStateConfig(data("a,b\n1,2\n"), st, csv); err != nil || !cfg.reader || cfg.readerData == nil {
		t.Errorf("checkStateConfig(CSV reader) = %+v, %v; want the file's text accepted", cfg, err)
	}
	if _, err := checkStateConfig(data(`[1]`), st, raw); err == nil || !strings.Contains(err.Error(), "with an ItemReader") {
		t.Errorf("checkStateConfig(no ItemReader) = %v, want a refusal", err)
	}

	writer := withField("ResultWriter", map[string]any{})
	if err := checkFanOutMock(st, writer, []any{1}); err == nil || err.Error() != "ValidationException: Mocked result must be a JSON object." {
		t.Errorf("checkFanOutMock(ResultWriter, [1]) = %v, want AWS's refusal", err)
	}
	if err := checkFanOutMock(st, writer, newObject(0)); err != nil {
		t.Errorf("checkFanOutMock(ResultWriter, {}) = %v, want nil", err)
	}
	if err := checkFanOutMock(st, raw, newObject(0)); err == nil || err.Error() != "ValidationException: Mocked result must be an array." {
		t.Errorf("checkFanOutMock(no ResultWriter, {}) = %v, want AWS's refusal", err)
	}
}
