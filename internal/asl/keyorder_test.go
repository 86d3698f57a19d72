package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestKeyOrder checks that objects keep their keys in the order AWS keeps
// them (insertion order): the output is compared as text, not as values.
func TestKeyOrder(t *testing.T) {
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = fmt.Sprintf(`"k%02d":%d`, 19-i, i)
	}
	big := "{" + strings.Join(twenty, ",") + "}"
	taskSet := map[string]taskFunc{
		"echo": echo,
		"zyx": func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{"z":1,"y":{"b":2,"a":3},"x":[{"d":4,"c":5}]}`), nil
		},
		"boom": failing("App.Boom", "it broke"),
	}
	tests := []struct {
		name, def, input, want string
	}{
		{"input order through a Pass state", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			`{"b":1,"a":{"d":2,"c":3}}`, `{"b":1,"a":{"d":2,"c":3}}`},
		{"a repeated input key keeps its first place and its last value", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			`{"b":1,"a":2,"b":3}`, `{"b":3,"a":2}`},
		{"surrogate pairs (parsed by encoding/json) keep the order too", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			`{"z":"\ud83c\udd97","a":1}`, `{"z":"🆗","a":1}`},
		{"Parameters in definition order, .$ keys in their place", `{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Parameters":{"z":1,"m.$":"$.b","a":{"y":true,"x.$":"$.a"}},"End":true}}}`,
			`{"b":"B","a":"A"}`, `{"z":1,"m":"B","a":{"y":true,"x":"A"}}`},
		{"a static Result in definition order", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"z":[{"b":1,"a":2}],"a":0},"End":true}}}`,
			`{}`, `{"z":[{"b":1,"a":2}],"a":0}`},
		{"ResultPath adds a new key last", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"y":1,"x":2},"ResultPath":"$.c","End":true}}}`,
			`{"b":1,"a":2}`, `{"b":1,"a":2,"c":{"y":1,"x":2}}`},
		{"ResultPath replaces an existing key in its place", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"new","ResultPath":"$.b","End":true}}}`,
			`{"b":1,"a":2}`, `{"b":"new","a":2}`},
		{"ResultPath creates nested objects last", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":1,"ResultPath":"$.n.m","End":true}}}`,
			`{"z":0}`, `{"z":0,"n":{"m":1}}`},
		{"a Task's result in the order the task wrote it", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"zyx","End":true}}}`,
			`{}`, `{"z":1,"y":{"b":2,"a":3},"x":[{"d":4,"c":5}]}`},
		{"ResultSelector in definition order", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"zyx",
			"ResultSelector":{"q.$":"$.y","p.$":"$.z"},"End":true}}}`,
			`{}`, `{"q":{"b":2,"a":3},"p":1}`},
		{"error output is Error then Cause", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"boom",
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"D"}],"End":true},"D":{"Type":"Pass","End":true}}}`,
			`{"z":1}`, `{"z":1,"err":{"Error":"App.Boom","Cause":"it broke"}}`},
		{"States.JsonMerge keeps the first object's order and appends the second's new keys", `{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Parameters":{"m.$":"States.JsonMerge($.x, $.y, false)"},"End":true}}}`,
			`{"x":{"b":1,"a":2},"y":{"c":3,"b":4}}`, `{"m":{"b":4,"a":2,"c":3}}`},
		{"States.StringToJson in document order", `{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Parameters":{"j.$":"States.StringToJson($.s)"},"End":true}}}`,
			`{"s":"{\"z\":1,\"a\":{\"y\":2,\"b\":3}}"}`, `{"j":{"z":1,"a":{"y":2,"b":3}}}`},
		{"States.JsonToString in order", `{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Parameters":{"s.$":"States.JsonToString($.o)"},"End":true}}}`,
			`{"o":{"z":1,"a":2}}`, `{"s":"{\"z\":1,\"a\":2}"}`},
		{"States.Format of an object in order", `{"StartAt":"P","States":{"P":{"Type":"Pass",
			"Parameters":{"s.$":"States.Format('{}', $.o)"},"End":true}}}`,
			`{"o":{"z":1,"a":2}}`, `{"s":"{z=1, a=2}"}`},
		{"indefinite paths read objects in order", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.o.*"},"End":true}}}`,
			`{"o":{"z":1,"a":2,"m":3}}`, `{"v":[1,2,3]}`},
		{"an object of more than 16 keys", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"k.$":"$.o.k03","all.$":"$.o"},"End":true}}}`,
			`{"o":` + big + `}`, `{"k":16,"all":` + big + `}`},
		{"Map ItemSelector in definition order, items in theirs", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",
			"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{"xs":[{"b":1,"a":2}]}`, `[{"v":{"b":1,"a":2},"i":0}]`},
		{"variables keep the order of what was assigned", `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"v.$":"$.o","lit":{"z":1,"a":2}},"Next":"B"},
			"B":{"Type":"Pass","Parameters":{"v.$":"$v","lit.$":"$lit"},"End":true}}}`,
			`{"o":{"y":1,"b":2}}`, `{"v":{"y":1,"b":2},"lit":{"z":1,"a":2}}`},
		{"JSONata Output in definition order, its input as it was", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
			"Output":{"z":"{% $states.input.o %}","a":"{% $states.input %}","m":{"y":1,"b":2}},"End":true}}}`,
			`{"o":{"y":1,"b":2}}`, `{"z":{"y":1,"b":2},"a":{"o":{"y":1,"b":2}},"m":{"y":1,"b":2}}`},
		{"JSONata filters and functions return the input's objects in order", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
			"Output":"{% $states.input.xs[n > 1] %}","End":true}}}`,
			`{"xs":[{"n":1,"z":0},{"n":2,"z":0},{"z":9,"n":3}]}`, `[{"n":2,"z":0},{"z":9,"n":3}]`},
		{"objects a JSONata expression builds come out sorted (documented)", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
			"Output":"{% {'z': 1, 'a': 2} %}","End":true}}}`,
			`{}`, `{"a":2,"z":1}`},
		{"JSONata Arguments in definition order", `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"echo",
			"Arguments":{"z":"{% 1 %}","a":"{% $states.input.o %}"},"End":true}}}`,
			`{"o":{"y":1,"b":2}}`, `{"z":1,"a":{"y":1,"b":2}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.def)
			opts := Options{Clock: newFakeClock(time.Hour), Invoke: tasks(taskSet), Context: testContext()}
			res := m.Run(context.Background(), json.RawMessage(tc.input), opts)
			if res.Status != StatusSucceeded {
				t.Fatalf("status %s: %s %s", res.Status, res.Error, res.Cause)
			}
			if string(res.Output) != tc.want {
				t.Errorf("output = %s\nwant     %s", res.Output, tc.want)
			}
		})
	}
}

// TestItemBatcherKeyOrder: a batch is {"BatchInput": ..., "Items": [...]},
// as AWS's documentation shows it, with BatchInput in definition order.
func TestItemBatcherKeyOrder(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
		"ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"z":1,"a":2}},"End":true}}}`
	m := mustParse(t, def)
	opts := Options{Clock: newFakeClock(time.Hour), Context: testContext()}
	res := m.Run(context.Background(), json.RawMessage(`{"xs":[{"b":1,"a":0},2,3]}`), opts)
	want := `[{"BatchInput":{"z":1,"a":2},"Items":[{"b":1,"a":0},2]},{"BatchInput":{"z":1,"a":2},"Items":[3]}]`
	if res.Status != StatusSucceeded || string(res.Output) != want {
		t.Errorf("Run = %s %s %s: %s\nwant %s", res.Status, res.Error, res.Cause, res.Output, want)
	}
}

// TestObjectLookupsAfterIndexing checks the object type itself past the
// size from which it indexes its keys: set in place, append, remove.
func TestObjectLookupsAfterIndexing(t *testing.T) {
	o := newObject(0)
	for i := range 40 {
		o.set(fmt.Sprintf("k%d", 39-i), i)
	}
	if v, ok := o.get("k0"); !ok || v != 39 {
		t.Fatalf("get(k0) = %v %v, want 39", v, ok)
	}
	o.set("k39", "first")
	o.set("new", "last")
	o.remove("k20")
	if o.keys[0] != "k39" || o.vals[0] != "first" || o.keys[o.len()-1] != "new" || o.len() != 40 {
		t.Errorf("after set/remove: first %s=%v, last %s, len %d", o.keys[0], o.vals[0], o.keys[o.len()-1], o.len())
	}
	if _, ok := o.get("k20"); ok {
		t.Error("get(k20) found a removed key")
	}
	if v, ok := o.get("k19"); !ok || v != 20 {
		t.Errorf("get(k19) after a removal = %v %v, want 20", v, ok)
	}
}
