package wsgo

import (
	"fmt"
	"testing"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/chaintest"
	"github.com/wsgo/wsgo/internal/wsgotest"
)

// BenchmarkPresetLayers shows what each layer of the presets costs, logging
// JSON to io.Discard: one sub-benchmark per prefix of the preset, each with
// the cost of the layer it adds (layer-ns/op, layer-B/op,
// layer-allocs/op), then the table of them.
//
//	go test -run '^$' -bench Layers -benchmem .
func BenchmarkPresetLayers(b *testing.B) {
	for _, p := range []struct {
		name string
		c    chain.Chain
	}{
		{"production", Production(jsonDiscard())},
		{"development", Development(jsonDiscard())},
	} {
		b.Run(p.name, func(b *testing.B) {
			fmt.Print(chaintest.Run(b, p.c, wsgotest.App, wsgotest.Request()))
		})
	}
}

// BenchmarkPresetLayersAlone measures each layer of the production preset
// alone in front of the application: each one that sees the response then
// pays for the per-request state, which in the preset the outermost pays.
func BenchmarkPresetLayersAlone(b *testing.B) {
	fmt.Print(chaintest.Each(b, Production(jsonDiscard()), wsgotest.App, wsgotest.Request()))
}
