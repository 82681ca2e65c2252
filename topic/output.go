package topic

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Table writes rows of a run as CSV (a header, then one row per sample) or
// as JSON (an object with the topic, seed, parameters, an array of rows,
// each an object keyed by column, and a summary object if the run gave one). NaN and ±Inf are written as empty CSV
// fields and JSON nulls.
type Table struct {
	w      *bufio.Writer
	format string
	cols   []string
	n      int
	meta   []string // "name": value pairs, for JSON
}

// Meta records a summary figure; JSON writes them after the rows.
func (tb *Table) Meta(name string, v float64) {
	tb.meta = append(tb.meta, fmt.Sprintf("%q: %s", name, num(v, "null")))
}

// Formats lists the output formats of jclub run.
var Formats = []string{"csv", "json"}

// NewTable starts a table on w; format is "csv" or "json".
func NewTable(w io.Writer, format string, t *Topic, v Values, seed uint64) (*Table, error) {
	tb := &Table{w: bufio.NewWriter(w), format: format, cols: t.Columns(v)}
	switch format {
	case "csv":
		tb.w.WriteString(strings.Join(tb.cols, ",") + "\n")
	case "json":
		fmt.Fprintf(tb.w, "{\n  \"topic\": %q,\n  \"seed\": %d,\n  \"params\": {", t.ID, seed)
		for i, p := range v.Params() {
			if i > 0 {
				tb.w.WriteString(", ")
			}
			val := v.Format(i)
			if p.Kind == Choice || p.Kind == Text { // Bool's true/false is JSON as it is
				val = strconv.Quote(val)
			}
			fmt.Fprintf(tb.w, "%q: %s", p.Name, val)
		}
		tb.w.WriteString("},\n  \"rows\": [")
	default:
		return nil, fmt.Errorf("format = %s: must be one of %s", format, strings.Join(Formats, ", "))
	}
	return tb, nil
}

func num(f float64, null string) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return null
	}
	return strconv.FormatFloat(f, 'g', 10, 64)
}

// Row writes one row.
func (tb *Table) Row(row []float64) {
	if tb.format == "csv" {
		for i, f := range row {
			if i > 0 {
				tb.w.WriteByte(',')
			}
			tb.w.WriteString(num(f, ""))
		}
		tb.w.WriteByte('\n')
		return
	}
	if tb.n > 0 {
		tb.w.WriteByte(',')
	}
	tb.w.WriteString("\n    {")
	for i, f := range row {
		if i > 0 {
			tb.w.WriteString(", ")
		}
		fmt.Fprintf(tb.w, "%q: %s", tb.cols[i], num(f, "null"))
	}
	tb.w.WriteByte('}')
	tb.n++
}

// Close ends the table and flushes it.
func (tb *Table) Close() error {
	if tb.format == "json" {
		tb.w.WriteString("\n  ]")
		if len(tb.meta) > 0 {
			tb.w.WriteString(",\n  \"summary\": {" + strings.Join(tb.meta, ", ") + "}")
		}
		tb.w.WriteString("\n}\n")
	}
	return tb.w.Flush()
}
