package collector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

func BenchmarkCollect(b *testing.B) {
	for _, n := range []int{100, 1000} {
		nodes := MakeNodes(n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Collect(nodes)
			}
		})
	}
}

func BenchmarkRender(b *testing.B) {
	nodes := MakeNodes(500)
	var buf bytes.Buffer
	for i := 0; i < b.N; i++ {
		buf.Reset()
		RenderBench(nodes, &buf)
	}
}

func BenchmarkParseNodes(b *testing.B) {
	data, _ := json.Marshal(MakeNodes(500))
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseNodes(data); err != nil {
			b.Fatal(err)
		}
	}
}
