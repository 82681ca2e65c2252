package tui

import "strings"

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

// panelFunc draws the side panel at height h (its width is fixed).
type panelFunc func(h int) string

// maxUpdateLines is the most lines the last-update text may take.
const maxUpdateLines = 5

// compose joins the parts: main is a box of leftW × mainH, update the
// last-update text (two lines, or up to maxUpdateLines when it needs them,
// taken from the side panel, which keeps at least 6), panel draws the side
// panel, right the boxes of the right column (each rightW wide, heights
// from rightH).
func (l columns) compose(main, update string, panel panelFunc, right ...string) string {
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
