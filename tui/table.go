package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// table lays rows out under a header in columns as wide as their widest
// cell, right-aligned, one space apart, in at most w×h cells. Columns that
// do not fit are left out from the right and rows from the bottom, and the
// last line says how many: a table never cuts a number.
func table(header []string, rows [][]string, w, h int) string {
	if h < 1 || w < 1 {
		return ""
	}
	all := append([][]string{header}, rows...)
	widths := make([]int, len(header))
	for _, r := range all {
		for j := range widths {
			if j < len(r) {
				widths[j] = max(widths[j], ansi.StringWidth(r[j]))
			}
		}
	}
	cols, used := 0, 0
	for j, cw := range widths {
		need := cw
		if j > 0 {
			need++
		}
		if used+need > w {
			break
		}
		cols, used = cols+1, used+need
	}
	shown := all
	hiddenRows := 0
	// note says what is left out, as fully as w allows
	note := func() string {
		var long, short []string
		if hiddenRows > 0 {
			long, short = append(long, fmt.Sprintf("+%d rows", hiddenRows)), append(short, fmt.Sprintf("+%dr", hiddenRows))
		}
		if c := len(header) - cols; c > 0 {
			long, short = append(long, fmt.Sprintf("+%d columns", c)), append(short, fmt.Sprintf("+%dc", c))
		}
		n := strings.Join(long, ", ")
		for _, cand := range []string{n + " (a larger terminal shows them)", n, strings.Join(short, " ")} {
			if ansi.StringWidth(cand) <= w {
				return cand
			}
		}
		return ""
	}
	if cols < len(header) || len(all) > h {
		room := h - 1 // the last line says what is left out
		if len(all) <= room {
			room = len(all)
		}
		hiddenRows = len(all) - max(room, 0)
		shown = all[:max(room, 0)]
	}
	var b strings.Builder
	for i, r := range shown {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j := 0; j < cols; j++ {
			cell := ""
			if j < len(r) {
				cell = r[j]
			}
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strings.Repeat(" ", widths[j]-ansi.StringWidth(cell)) + cell)
		}
	}
	if cols < len(header) || hiddenRows > 0 {
		if len(shown) > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(note())
	}
	return b.String()
}
