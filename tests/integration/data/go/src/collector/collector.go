// Package collector renders SLURM node state as Prometheus text, like the exporter perfval targets: the
// source of the Go benchmark fixtures next to it (see ../../README.md).
package collector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

type Node struct {
	Name      string `json:"name"`
	State     string `json:"state"`
	CPUs      int    `json:"cpus"`
	AllocCPUs int    `json:"alloc_cpus"`
	MemoryMB  int64  `json:"real_memory"`
	AllocMem  int64  `json:"alloc_memory"`
	Partition string `json:"partition"`
}

var slowRender = os.Getenv("FIXTURE_SLOW_RENDER") != ""     // BenchmarkRender only
var doubleAllocs = os.Getenv("FIXTURE_DOUBLE_ALLOCS") != "" // Collect of 1000+ nodes only

func MakeNodes(n int) []Node {
	states := []string{"idle", "allocated", "mixed", "down", "drain"}
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i] = Node{Name: fmt.Sprintf("node%05d", i), State: states[i%len(states)], CPUs: 64,
			AllocCPUs: (i * 7) % 65, MemoryMB: 256000, AllocMem: int64(i*1009) % 256000, Partition: "batch"}
	}
	return nodes
}

func writeMetric(w *bytes.Buffer, name, node, state string, v float64) {
	w.WriteString(name)
	w.WriteString(`{node="`)
	w.WriteString(node)
	w.WriteString(`",state="`)
	w.WriteString(state)
	w.WriteString(`"} `)
	w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	w.WriteByte('\n')
}

// Render writes one block of gauges per node.
func Render(nodes []Node, w *bytes.Buffer) { render(nodes, w, false) }

// RenderBench is what BenchmarkRender measures: Render, or the fixture's slower variant.
func RenderBench(nodes []Node, w *bytes.Buffer) { render(nodes, w, slowRender) }

func render(nodes []Node, w *bytes.Buffer, slow bool) {
	for i, n := range nodes {
		if slow && i%3 == 0 { // the fixture's slower build: formats a third of the blocks twice
			mark := w.Len()
			renderNode(w, n)
			w.Truncate(mark)
		}
		renderNode(w, n)
	}
}

func renderNode(w *bytes.Buffer, n Node) {
	writeMetric(w, "slurm_node_cpus", n.Name, n.State, float64(n.CPUs))
	writeMetric(w, "slurm_node_cpus_alloc", n.Name, n.State, float64(n.AllocCPUs))
	writeMetric(w, "slurm_node_memory_bytes", n.Name, n.State, float64(n.MemoryMB)*1e6)
	writeMetric(w, "slurm_node_memory_alloc_bytes", n.Name, n.State, float64(n.AllocMem)*1e6)
}

// Collect builds per-node label maps and renders them: the exporter's scrape path.
func Collect(nodes []Node) int {
	var buf bytes.Buffer
	labels := make([]map[string]string, 0, len(nodes))
	var extra []string
	for _, n := range nodes {
		labels = append(labels, map[string]string{"node": n.Name, "state": n.State})
		if doubleAllocs && len(nodes) >= 1000 { // the fixture's leakier build: label strings built per node
			for k := 0; k < 5; k++ {
				extra = append(extra, fmt.Sprintf("%s/%s/%d", n.Partition, n.Name, k))
			}
		}
	}
	Render(nodes, &buf)
	return buf.Len() + len(labels) + len(extra)
}

func ParseNodes(data []byte) ([]Node, error) {
	var nodes []Node
	err := json.Unmarshal(data, &nodes)
	return nodes, err
}
