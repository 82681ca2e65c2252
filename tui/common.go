// Package tui is jclub's explorer: the app shell (home menu, screens,
// global keys, help), one file per topic screen and the shared widgets.
package tui

import (
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// MinWidth and MinHeight are the smallest terminal the explorer draws in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Common is what every part of one explorer shares: the renderer of its
// terminal (over SSH, the session's own), the styles built from it and the keys.
type Common struct {
	R    *lipgloss.Renderer
	S    Styles
	Keys KeyMap
	gen  atomic.Uint64 // tick generations, unique within the explorer

	codes   map[lipgloss.TerminalColor]styleCodes // see fgCodes
	gate    func() (release func())               // see Options.Gate
	room    *Room                                 // the room this explorer presents, if any
	shades_ map[[3]int]styleCodes                 // see shadeCodes
}

// NewCommon builds the styles from r.
func NewCommon(r *lipgloss.Renderer) *Common {
	return &Common{R: r, S: newStyles(r), Keys: newKeyMap(), codes: map[lipgloss.TerminalColor]styleCodes{}, shades_: map[[3]int]styleCodes{}}
}

// nextGen returns a fresh tick generation.
func (c *Common) nextGen() uint64 { return c.gen.Add(1) }

// Styles is the theme: adaptive colours for light and dark terminals. With
// NO_COLOR lipgloss drops colour, bold and reverse, so no state is shown by
// colour alone.
type Styles struct {
	Title, Dim, Accent, Good, Bad, Warn, Bold lipgloss.Style
	Border, BorderFocus                       lipgloss.Style
	Series                                    [3]lipgloss.Style // data, theory, extra
	Density                                   [6]lipgloss.Style // particle field levels
	Help                                      help.Styles
}

func newStyles(r *lipgloss.Renderer) Styles {
	c := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	fg := func(col lipgloss.AdaptiveColor) lipgloss.Style { return r.NewStyle().Foreground(col) }
	accent := c("#0066cc", "#5fafff")
	dim := c("#808080", "#6c6c6c")
	s := Styles{
		Title:       r.NewStyle().Bold(true).Foreground(accent),
		Dim:         fg(dim),
		Accent:      fg(accent),
		Good:        fg(c("#008700", "#5fd75f")),
		Bad:         fg(c("#d70000", "#ff5f5f")),
		Warn:        fg(c("#af5f00", "#ffaf00")),
		Bold:        r.NewStyle().Bold(true),
		Border:      fg(c("#bcbcbc", "#4e4e4e")),
		BorderFocus: fg(accent),
		Series: [3]lipgloss.Style{
			fg(c("#d70087", "#ff5fd7")), // measured
			fg(c("#008787", "#5fd7d7")), // theory
			fg(c("#af8700", "#ffd75f")),
		},
	}
	levels := []lipgloss.AdaptiveColor{
		c("#0087d7", "#005faf"), c("#005fd7", "#0087d7"), c("#5f00d7", "#00afd7"),
		c("#8700af", "#5fd7ff"), c("#af0087", "#afffff"), c("#d70000", "#ffffff"),
	}
	for i, col := range levels {
		s.Density[i] = fg(col)
	}
	s.Help = help.Styles{
		ShortKey:       fg(c("#5f5f5f", "#bcbcbc")),
		ShortDesc:      fg(dim),
		ShortSeparator: fg(dim),
		Ellipsis:       fg(dim),
		FullKey:        fg(c("#5f5f5f", "#bcbcbc")),
		FullDesc:       fg(dim),
		FullSeparator:  fg(dim),
	}
	return s
}

// newHelp returns a help model styled by the theme.
func (c *Common) newHelp(width int) help.Model {
	h := help.New()
	h.Styles = c.S.Help
	h.Width = width
	return h
}

// KeyMap is every key of the explorer (DESIGN.md §4).
type KeyMap struct {
	Up, Down, Left, Right, Enter key.Binding
	Run, Step, Faster, Slower    key.Binding
	Reset, Seed, Tab, Help, Back key.Binding
	Quit, Jump, Log              key.Binding
}

func newKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:     b("↑/k", "up", "up", "k"),
		Down:   b("↓/j", "down", "down", "j"),
		Left:   b("←", "decrease", "left", "h"),
		Right:  b("→", "increase", "right", "l"),
		Enter:  b("enter", "open", "enter"),
		Run:    b("space", "run/pause", " "),
		Step:   b("n", "one step", "n"),
		Faster: b("+", "faster", "+", "="),
		Slower: b("-", "slower", "-", "_"),
		Reset:  b("r", "reset", "r"),
		Seed:   b("s", "new seed", "s"),
		Tab:    b("tab", "next panel", "tab", "shift+tab"),
		Help:   b("?", "help", "?"),
		Back:   b("esc", "menu", "esc"),
		Quit:   b("q", "quit", "q", "ctrl+c"),
		Jump:   b("1-9,0", "topic", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"),
		Log:    b("g", "log axes", "g"),
	}
}

// fit truncates or pads s (which may hold ANSI styles) to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// block makes s exactly w×h cells: lines cut or padded, missing lines blank.
func block(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(fit(line, w))
	}
	return b.String()
}

// padLines makes s exactly h lines, adding blank lines of width w or
// dropping lines. Unlike block it does not measure or cut line widths: use
// it on lines already exactly w wide (boxes, fitted blocks).
func padLines(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	n := strings.Count(s, "\n") + 1
	switch {
	case n > h:
		k := 0
		for i := 0; i < h; i++ {
			k += strings.IndexByte(s[k:], '\n') + 1
		}
		return s[:k-1]
	case n < h:
		blank := "\n" + strings.Repeat(" ", w)
		return s + strings.Repeat(blank, h-n)
	}
	return s
}

// box draws content (cut to fit) inside a rounded border of w×h cells with
// a title on the top edge. A focused box has an accented border and a ▸
// before its title, so focus shows without colour too.
func (c *Common) box(title, content string, w, h int, focused bool) string {
	if w < 4 || h < 2 {
		return block("", w, h)
	}
	bs := c.S.Border
	if focused {
		bs = c.S.BorderFocus
		title = "▸ " + title
	}
	title = ansi.Truncate(title, w-5, "…")
	top := "╭─ " + title + " " + strings.Repeat("─", max(0, w-5-ansi.StringWidth(title))) + "╮"
	var b strings.Builder
	b.WriteString(bs.Render(top))
	side := bs.Render("│")
	for _, line := range strings.Split(block(content, w-2, h-2), "\n") {
		if h == 2 {
			break
		}
		b.WriteByte('\n')
		b.WriteString(side + line + side)
	}
	b.WriteByte('\n')
	b.WriteString(bs.Render("╰" + strings.Repeat("─", w-2) + "╯"))
	return b.String()
}

// hjoin puts blocks of equal height side by side.
func hjoin(blocks ...string) string {
	split := make([][]string, len(blocks))
	n := 0
	for i, b := range blocks {
		split[i] = strings.Split(b, "\n")
		n = max(n, len(split[i]))
	}
	var b strings.Builder
	for y := 0; y < n; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		for _, lines := range split {
			if y < len(lines) {
				b.WriteString(lines[y])
			}
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most w cells, at spaces; a line that
// fits is kept as it is.
func wrap(s string, w int) string {
	if w <= 0 {
		return ""
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if ansi.StringWidth(para) <= w { // fits: kept as it is, spaces and all
			out = append(out, para)
			continue
		}
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}
