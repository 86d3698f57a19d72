package asl

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const passChoiceMachine = `{"StartAt":"Init","States":{
	"Init":{"Type":"Pass","Result":{"count":3},"ResultPath":"$.state","Next":"Check"},
	"Check":{"Type":"Choice","Choices":[
		{"Variable":"$.state.count","NumericGreaterThan":5,"Next":"Big"},
		{"And":[{"Variable":"$.kind","StringEquals":"order"},{"Variable":"$.state.count","NumericLessThanEquals":5}],"Next":"Small"}],
		"Default":"Big"},
	"Small":{"Type":"Pass","Parameters":{"kind.$":"$.kind","size":"small"},"Next":"Done"},
	"Big":{"Type":"Pass","Parameters":{"kind.$":"$.kind","size":"big"},"Next":"Done"},
	"Done":{"Type":"Succeed"}}}`

// jsonataPassChoiceMachine is passChoiceMachine in JSONata. Its fields
// take the shapes evaluated without the JSONata library (jsonata_fast.go);
// an Output of "{% $merge([$states.input, {'state': {'count': 3}}]) %}"
// instead, which goes through the library, makes it about twice as slow.
const jsonataPassChoiceMachine = `{"QueryLanguage":"JSONata","StartAt":"Init","States":{
	"Init":{"Type":"Pass","Output":{"kind":"{% $states.input.kind %}","id":"{% $states.input.id %}","state":{"count":3}},"Next":"Check"},
	"Check":{"Type":"Choice","Choices":[
		{"Condition":"{% $states.input.state.count > 5 %}","Next":"Big"},
		{"Condition":"{% $states.input.kind = 'order' and $states.input.state.count <= 5 %}","Next":"Small"}],
		"Default":"Big"},
	"Small":{"Type":"Pass","Output":{"kind":"{% $states.input.kind %}","size":"small"},"Next":"Done"},
	"Big":{"Type":"Pass","Output":{"kind":"{% $states.input.kind %}","size":"big"},"Next":"Done"},
	"Done":{"Type":"Succeed"}}}`

const map1000Machine = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":0,
	"ItemSelector":{"n.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
	"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Result":true,"ResultPath":"$.done","End":true}}},"End":true}}}`

func benchRun(b *testing.B, def, input string, wantOutputPrefix string) {
	m := mustParse(b, def)
	in := json.RawMessage(input)
	opts := Options{Clock: RealClock{}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := m.Run(ctx, in, opts)
		if res.Status != StatusSucceeded {
			b.Fatalf("Run = %+v", res)
		}
		if i == 0 && !strings.HasPrefix(string(res.Output), wantOutputPrefix) {
			b.Fatalf("output = %.100s, want prefix %s", res.Output, wantOutputPrefix)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
}

// BenchmarkRun measures whole executions without history, as the server
// runs Express executions.
func BenchmarkRun(b *testing.B) {
	b.Run("PassChoice", func(b *testing.B) {
		benchRun(b, passChoiceMachine, `{"kind":"order","id":42}`, `{"kind":"order","size":"small"}`)
	})
	b.Run("PassChoiceJSONata", func(b *testing.B) {
		benchRun(b, jsonataPassChoiceMachine, `{"kind":"order","id":42}`, `{"kind":"order","size":"small"}`)
	})
	b.Run("Map1000", func(b *testing.B) {
		items := make([]string, 1000)
		for i := range items {
			items[i] = `{"id":` + strings.Repeat("7", i%5+1) + `}`
		}
		benchRun(b, map1000Machine, `{"items":[`+strings.Join(items, ",")+`]}`, `[{"n":{"id":7},"i":0,"done":true}`) // the template's key order
	})
}

// BenchmarkRunWithHistory is BenchmarkRun's Pass/Choice machine with every
// event emitted (Standard executions).
func BenchmarkRunWithHistory(b *testing.B) {
	m := mustParse(b, passChoiceMachine)
	in := json.RawMessage(`{"kind":"order","id":42}`)
	var n int64 // event ids restart with every execution, as in the server
	opts := Options{Clock: RealClock{}, Emit: func(Event) int64 { n++; return n }}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n = 1
		if res := m.Run(context.Background(), in, opts); res.Status != StatusSucceeded {
			b.Fatalf("Run = %+v", res)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(passChoiceMachine); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONataClock measures one evaluation of an expression that
// reads the execution's clock ($millis, $now), beside one that does not.
func BenchmarkJSONataClock(b *testing.B) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, src := range []string{"$millis() + 1", "$now('[H01]:[m01]')", "$string(1) & 'x'"} {
		b.Run(src, func(b *testing.B) {
			e, err := jsonataEngine.compile(src)
			if err != nil {
				b.Fatal(err)
			}
			vars := map[string]any{evalTimeKey: now}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := e.eval(nil, vars, time.Second); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
