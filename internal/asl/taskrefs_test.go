package asl

import (
	"slices"
	"testing"
)

func TestTasksNested(t *testing.T) {
	def := `{"StartAt":"B","States":{
		"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"A"},
		"A":{"Type":"Parallel","Next":"M","Branches":[
			{"StartAt":"Z","States":{"Z":{"Type":"Task","Resource":"z","End":true}}},
			{"StartAt":"Y","States":{"Y":{"Type":"Pass","End":true}}}]},
		"M":{"Type":"Map","Next":"I","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},
			"StartAt":"Child","States":{"Child":{"Type":"Task","Resource":"child","End":true}}}},
		"I":{"Type":"Map","End":true,"Iterator":{"StartAt":"Old","States":{"Old":{"Type":"Task","Resource":"old","End":true}}}}}}`
	m, err := Parse(def)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []TaskRef{
		{Resource: "z", Location: "/States/A/Branches/0/States/Z/Resource"},
		{Resource: "arn:aws:states:::lambda:invoke", Location: "/States/B/Resource"},
		{Resource: "old", Location: "/States/I/Iterator/States/Old/Resource"},
		{Resource: "child", Location: "/States/M/ItemProcessor/States/Child/Resource"},
	}
	if got := m.Tasks(); !slices.Equal(got, want) {
		t.Errorf("Tasks() = %+v, want %+v", got, want)
	}
}
