package synth

import ("testing";"encoding/json";"os")

func TestTmpPrint(t *testing.T) {
	ds, _ := Generate(1, Tiny)
	b, _ := json.MarshalIndent(ds, "", " ")
	os.WriteFile("/tmp/tiny.json", b, 0o644)
}
