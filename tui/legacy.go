package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/topic"
)

// sim is the screen contract before units: a screen that holds its view.
// legacy adapts one to a unit while the screens move over.
type sim interface {
	reset(v topic.Values, seed uint64) error
	step()
	redraw(v topic.Values, live bool)
	setSize(w, h int)
	body(panel func(h int) string) string
	panelSize() (w, h int)
	tabs() []string
	panel(name string, v topic.Values, w, h int) string
	status() string
	key(tea.KeyMsg) bool
	keys() []key.Binding
}

type legacy struct{ s sim }

func legacyOf(mk func() sim) func(string) unit {
	return func(string) unit { return &legacy{mk()} }
}

func (l *legacy) reset(v topic.Values, seed uint64) error { return l.s.reset(v, seed) }
func (l *legacy) step()                                   { l.s.step() }
func (l *legacy) status() string                          { return l.s.status() }
func (l *legacy) tabs() []string                          { return l.s.tabs() }
func (l *legacy) key(m tea.KeyMsg) bool                   { return l.s.key(m) }
func (l *legacy) keys() []key.Binding                     { return l.s.keys() }
func (l *legacy) panel(d *drawer, name string, w int) string {
	return l.s.panel(name, d.v, w, 1000)
}
func (l *legacy) modal() bool {
	m, ok := l.s.(interface{ modal() bool })
	return ok && m.modal()
}
func (l *legacy) finished(v topic.Values) (bool, string) {
	if f, ok := l.s.(interface {
		finished(topic.Values) (bool, string)
	}); ok {
		return f.finished(v)
	}
	return false, ""
}

// layout is not used: the runner asks whole.
func (l *legacy) layout(d *drawer) layout { return layout{} }

func (l *legacy) whole(d *drawer, w, h int, panel panelFunc) string {
	l.s.setSize(w, h)
	l.s.redraw(d.v, d.live)
	pw, _ := l.s.panelSize()
	return l.s.body(func(h int) string { return panel(pw, h) })
}

// columns is the layout of a simulation screen of w×h cells (below the
// status line): on the left a main box, two lines for the last update and
// the side panel; on the right a stack of boxes sharing the height.
type columns struct{ w, h int }

func (l columns) leftW() int  { return l.w / 2 }
func (l columns) rightW() int { return l.w - l.w/2 }

// panelSize is the side panel's size, the bottom of the left column.
func (l columns) panelSize() (int, int) { return l.leftW(), max(10, l.h*2/5) }

// mainH is the height of the main box.
func (l columns) mainH() int {
	_, ph := l.panelSize()
	return l.h - ph - 2
}

// rightH is the height of box i of n on the right.
func (l columns) rightH(i, n int) int {
	if i < n-1 {
		return l.h / n
	}
	return l.h - (n-1)*(l.h/n)
}

// compose joins the parts: main is a box of leftW × mainH, update the
// last-update text (two lines, or up to maxUpdateLines when it needs them,
// taken from the side panel, which keeps at least 6), panel draws the side
// panel, right the boxes of the right column (each rightW wide, heights
// from rightH).
func (l columns) compose(main, update string, panel func(h int) string, right ...string) string {
	_, ph := l.panelSize()
	lines := min(max(2, strings.Count(update, "\n")+1), maxUpdateLines, 2+max(0, ph-6))
	left := main + "\n" + block(update, l.leftW(), lines) + "\n" + panel(ph-(lines-2))
	r := ""
	for i, b := range right {
		if i > 0 {
			r += "\n"
		}
		r += b
	}
	return hjoin(padLines(left, l.leftW(), l.h), padLines(r, l.rightW(), l.h))
}
