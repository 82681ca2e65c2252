package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// The layout engine places a unit's layout in the w×h cells below the
// status line: on the left the main box over the last update and the side
// panel, on the right a column of boxes sharing the height. Units say what
// each box shows and needs; only this file does size arithmetic.

// maxUpdateLines is the most lines the last-update text may take, and
// maxLegendLines the most a chart's legend may (or half its box, if more).
const (
	maxUpdateLines = 5
	maxLegendLines = 3
)

// panelFunc draws the side panel at w×h.
type panelFunc func(w, h int) string

// rect is where a box landed, in body coordinates.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// placed is a box with its place on the screen (for mouse clicks) and
// what was drawn there (for tests).
type placed struct {
	b   box
	r   rect
	out string
}

// split is the column widths and the left column's heights at w×h.
type split struct{ leftW, rightW, mainH, updateH, panelH int }

func splitAt(w, h int, update string) split {
	s := split{leftW: w / 2, rightW: w - w/2}
	panelH := max(10, h*2/5)
	s.updateH = 0
	if update != "" {
		n := strings.Count(wrap(update, s.leftW), "\n") + 1
		s.updateH = min(max(2, n), maxUpdateLines, 2+max(0, panelH-6))
	}
	s.panelH = panelH - max(0, s.updateH-2)
	s.mainH = h - s.panelH - s.updateH
	return s
}

// place draws layout l at w×h with the side panel from panel, and says
// where each box went.
func (c *Common) place(l layout, w, h int, panel panelFunc) (string, []placed) {
	s := splitAt(w, h, l.update)
	var at []placed
	main := l.main.at(s.mainH)
	left := c.drawBox(main, s.leftW, s.mainH)
	at = append(at, placed{main, rect{0, 0, s.leftW, s.mainH}, left})
	if s.updateH > 0 {
		upd := block(wrap(l.update, s.leftW), s.leftW, s.updateH)
		at = append(at, placed{box{legend: l.update}, rect{0, s.mainH, s.leftW, s.updateH}, upd})
		left += "\n" + upd
	}
	left += "\n" + panel(s.leftW, s.panelH)

	rightBoxes := withRoom(l.right, s.rightW, h)
	heights := shareRows(rightBoxes, s.rightW, h)
	var right []string
	y := 0
	for i, b := range rightBoxes {
		b = b.at(heights[i])
		out := c.drawBox(b, s.rightW, heights[i])
		right = append(right, out)
		at = append(at, placed{b, rect{s.leftW, y, s.rightW, heights[i]}, out})
		y += heights[i]
	}
	return hjoin(padLines(left, s.leftW, h), padLines(strings.Join(right, "\n"), s.rightW, h)), at
}

// withRoom leaves out the optional boxes, last first, while the boxes' rows
// need more than h.
func withRoom(bs []box, w, h int) []box {
	need := 0
	for _, b := range bs {
		need += b.rows(w)
	}
	out := append([]box(nil), bs...)
	for i := len(out) - 1; i >= 0 && need > h; i-- {
		if out[i].optional {
			need -= out[i].rows(w)
			out = append(out[:i], out[i+1:]...)
		}
	}
	return out
}

// at is the box as drawn h rows high: its legend left out where it asked.
func (b box) at(h int) box {
	if b.legendFrom > 0 && h < b.legendFrom {
		b.legend = ""
	}
	return b
}

// rows is the least height of a box w wide: its content's minimum, its
// legend and its border.
func (b box) rows(w int) int {
	n := b.min + 2
	if b.legend != "" {
		n += min(maxLegendLines, strings.Count(wrap(b.legend, w-2), "\n")+1)
	}
	return n
}

// shareRows divides h rows between boxes: equal shares when each box's
// minimum fits in one, else each its minimum and the rest evenly.
func shareRows(bs []box, w, h int) []int {
	n := len(bs)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	need := func(b box) int { return b.rows(w) }
	fits := true
	for _, b := range bs {
		fits = fits && need(b) <= h/n
	}
	if fits {
		for i := range out {
			out[i] = h / n
		}
		out[n-1] = h - (n-1)*(h/n)
		return out
	}
	left := h
	for i, b := range bs {
		out[i] = min(need(b), left)
		left -= out[i]
	}
	for i := 0; left > 0; i = (i + 1) % n {
		out[i]++
		left--
	}
	return out
}

// drawBox draws b at w×h: the border with its title shortened to fit, the
// content, and the legend wrapped under it.
func (c *Common) drawBox(b box, w, h int) string {
	if w < 4 || h < 2 {
		return block("", w, h)
	}
	var leg []string
	if b.legend != "" {
		leg = strings.Split(wrap(b.legend, w-2), "\n")
		leg = leg[:min(len(leg), max(maxLegendLines, (h-2)/2), max(0, h-3))]
	}
	ch := h - 2 - len(leg)
	content := ""
	if b.draw != nil && ch > 0 {
		content = nLines(b.draw(w-2, ch), ch) // box fits the widths
	}
	if len(leg) > 0 {
		if ch > 0 {
			content += "\n"
		}
		content += strings.Join(leg, "\n")
	}
	title := b.title
	if b.focused {
		title = "▸ " + title
	}
	return c.box(shorten(title, w-5), content, w, h, b.focused)
}

// shorten fits a title into w cells giving up words before numbers:
// first bracketed hints that hold no digit, then the parts between " · "
// that hold none, then the trailing words of such parts; only then is it
// cut, at a space, with an ellipsis (whole words go, never part of a
// number).
func shorten(s string, w int) string {
	width := ansi.StringWidth
	if width(s) <= w {
		return s
	}
	for width(s) > w {
		i, j := strings.LastIndex(s, " ("), strings.LastIndex(s, ")")
		if i < 0 || j < i || hasDigit(s[i:j]) {
			break
		}
		s = s[:i] + s[j+1:]
	}
	parts := strings.Split(s, " · ")
	joined := func() string { return strings.Join(parts, " · ") }
	for i := len(parts) - 1; i > 0 && width(joined()) > w; i-- {
		if !hasDigit(parts[i]) {
			parts = append(parts[:i], parts[i+1:]...)
		}
	}
	for i := len(parts) - 1; i >= 0 && width(joined()) > w; i-- {
		words := strings.Split(parts[i], " ")
		for len(words) > 1 && !hasDigit(parts[i]) && width(joined()) > w {
			words = words[:len(words)-1]
			parts[i] = strings.Join(words, " ")
		}
	}
	s = joined()
	words := strings.Split(s, " ")
	for len(words) > 1 && width(s) > w {
		words = words[:len(words)-1]
		s = strings.Join(words, " ") + " …"
	}
	if width(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	return s
}

// nLines makes s exactly n lines, dropping or adding empty ones.
func nLines(s string, n int) string {
	if k := strings.Count(s, "\n") + 1; k < n {
		return s + strings.Repeat("\n", n-k)
	}
	i := 0
	for range n {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s
		}
		i += j + 1
	}
	return s[:i-1]
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// fitParts fits a status line of parts joined by " · " into w cells by
// leaving out whole parts from the end, so that no number is cut.
func fitParts(s string, w int) string {
	parts := strings.Split(s, " · ")
	for len(parts) > 1 && ansi.StringWidth(strings.Join(parts, " · ")) > w {
		parts = parts[:len(parts)-1]
	}
	return fit(strings.Join(parts, " · "), w)
}
