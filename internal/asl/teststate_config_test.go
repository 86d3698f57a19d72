package asl

import (
	"strings"
	"testing"
)

// TestTestStateReaderAndWriterRules: mapItemReaderData needs a Map state
// with an ItemReader and is JSON unless the reader reads CSV or JSON Lines
// text; a Map with a ResultWriter takes an object mock, others an array.
func TestTestStateReaderAndWriterRules(t *testing.T) {
	mapState := func(extra string) *state {
		t.Helper()
		m, name, err := testMachine(`{"Type":"Map",`+extra+`"End":true,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
				"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}`, "")
		if err != nil {
			t.Fatal(err)
		}
		return m.states[name]
	}
	data := func(s string) *TestStateInput { return &TestStateInput{MapItemReaderData: &s} }
	plainMap := mapState("")

	reader := mapState(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"}},`)
	cfg, err := checkStateConfig(data(`[1,2,3]`), reader)
	if err != nil || !cfg.reader || cfg.readerData == nil || *cfg.readerData != `[1,2,3]` {
		t.Errorf("checkStateConfig(ItemReader, [1,2,3]) = %+v, %v; want the data kept", cfg, err)
	}
	if _, err := checkStateConfig(data(`[1,`), reader); err == nil ||
		!strings.Contains(err.Error(), "'stateConfiguration.mapItemReaderData' failed to satisfy constraint: Member must be valid JSON") {
		t.Errorf("checkStateConfig(ItemReader, [1,) = %v, want a JSON error", err)
	}
	csv := mapState(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV"}},`)
	if cfg, err := checkStateConfig(data("a,b\n1,2\n"), csv); err != nil || !cfg.reader || cfg.readerData == nil {
		t.Errorf("checkStateConfig(CSV reader) = %+v, %v; want the file's text accepted", cfg, err)
	}
	if _, err := checkStateConfig(data(`[1]`), plainMap); err == nil || !strings.Contains(err.Error(), "with an ItemReader") {
		t.Errorf("checkStateConfig(no ItemReader) = %v, want a refusal", err)
	}

	writer := mapState(`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b"}},`)
	if err := checkFanOutMock(writer, []any{1}); err == nil || err.Error() != "ValidationException: Mocked result must be a JSON object." {
		t.Errorf("checkFanOutMock(ResultWriter, [1]) = %v, want AWS's refusal", err)
	}
	if err := checkFanOutMock(writer, newObject(0)); err != nil {
		t.Errorf("checkFanOutMock(ResultWriter, {}) = %v, want nil", err)
	}
	if err := checkFanOutMock(plainMap, newObject(0)); err == nil || err.Error() != "ValidationException: Mocked result must be an array." {
		t.Errorf("checkFanOutMock(no ResultWriter, {}) = %v, want AWS's refusal", err)
	}
}
