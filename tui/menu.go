package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/jclub/jclub/topic"
)

// menu is the home screen: the topics by unit, a cursor, and the selected
// topic's summary; / filters the list by what is typed (id, title, unit or
// summary), enter opens the selected match.
type menu struct {
	c         *Common
	sel       int         // index into topic.All
	lines     map[int]int // screen row → topic index, from the last view
	filtering bool
	filter    string
}

var filterKey = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find a topic"))

// matches reports whether topic i passes the filter.
func (m *menu) matches(i int) bool {
	if m.filter == "" {
		return true
	}
	t := topic.All[i]
	f := strings.ToLower(m.filter)
	for _, s := range []string{t.ID, t.Title, t.Unit, t.Summary} {
		if strings.Contains(strings.ToLower(s), f) {
			return true
		}
	}
	return false
}

// visible lists the indices of the topics that pass the filter.
func (m *menu) visible() []int {
	var out []int
	for i := range topic.All {
		if m.matches(i) {
			out = append(out, i)
		}
	}
	return out
}

// move steps the cursor through the visible topics.
func (m *menu) move(dir int) {
	vis := m.visible()
	if len(vis) == 0 {
		return
	}
	k := 0
	for j, i := range vis {
		if i == m.sel {
			k = j
		}
	}
	m.sel = vis[((k+dir)%len(vis)+len(vis))%len(vis)]
}

// filterInput takes a key while filtering; it reports the topic to open on
// enter.
func (m *menu) filterInput(msg tea.KeyMsg) (*topic.Topic, bool) {
	switch msg.Type {
	case tea.KeyEsc:
		m.filtering, m.filter = false, ""
	case tea.KeyEnter:
		ok := m.matches(m.sel)
		m.filtering, m.filter = false, ""
		if ok {
			return topic.All[m.sel], true
		}
	case tea.KeyBackspace:
		if r := []rune(m.filter); len(r) > 0 {
			m.filter = string(r[:len(r)-1])
		}
	case tea.KeyUp:
		m.move(-1)
	case tea.KeyDown:
		m.move(1)
	case tea.KeyRunes, tea.KeySpace:
		if len(m.filter) < 40 {
			m.filter += string(msg.Runes)
		}
	}
	if vis := m.visible(); len(vis) > 0 && !m.matches(m.sel) {
		m.sel = vis[0]
	}
	return nil, false
}

func newMenu(c *Common) menu { return menu{c: c, lines: map[int]int{}} }

func (m *menu) select_(t *topic.Topic) {
	for i, u := range topic.All {
		if u == t {
			m.sel = i
		}
	}
}

// at returns the topic drawn on screen row y, if any.
func (m *menu) at(y int) *topic.Topic {
	if i, ok := m.lines[y]; ok {
		return topic.All[i]
	}
	return nil
}

// key moves the cursor; enter reports the selected topic.
func (m *menu) key(msg tea.KeyMsg) (*topic.Topic, bool) {
	if m.filtering {
		return m.filterInput(msg)
	}
	k := m.c.Keys
	switch {
	case key.Matches(msg, filterKey):
		m.filtering, m.filter = true, ""
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Enter), key.Matches(msg, k.Right):
		if m.matches(m.sel) {
			return topic.All[m.sel], true
		}
	}
	return nil, false
}

// wideMenu is the width from which the home screen puts the selected
// topic's papers, questions and a preview beside the list.
const wideMenu = 120

// view draws the home screen. On a wide terminal the list takes the left
// and the selected topic's papers, questions and a preview of its screen
// the right; on a narrow one the papers and questions go below the list
// as far as they fit. preview draws a topic's main picture (nil: none).
func (m *menu) view(w, h int, preview func(t *topic.Topic, w, h int) string) string {
	lw := w
	if w >= wideMenu {
		lw = min(w/2, 90)
	}
	list := m.list(lw, w >= wideMenu)
	t := topic.All[m.sel]
	if w < wideMenu {
		room := h - strings.Count(list, "\n") - 1
		return block(list+"\n"+m.about(t, w, room), w, h)
	}
	rw := w - lw - 1
	about := m.about(t, rw-2, h-2)
	about = about[strings.Index(about, "\n")+1:] // the box is the rule
	aboutH := min(h, strings.Count(about, "\n")+3)
	right := m.c.box(t.Title, about, rw, aboutH, false)
	if ph := h - aboutH; preview != nil && ph >= 12 && Openable(t.ID) {
		right += "\n" + preview(t, rw, ph)
	}
	return hjoin(block(list, lw, h), block("", 1, h), block(right, rw, h))
}

// list is the topics by unit with the cursor and, if short, their titles
// and summaries cut to w.
func (m *menu) list(w int, short bool) string {
	s := m.c.S
	var lines []string
	add := func(l string) { lines = append(lines, l) }
	add(s.Title.Render("jclub") + s.Dim.Render(" · a computational-neuroscience journal club"))
	add("")
	clear(m.lines)
	if m.filtering || m.filter != "" {
		cursor := ""
		if m.filtering {
			cursor = "▏"
		}
		add(s.Accent.Render("find: "+m.filter+cursor) + s.Dim.Render(fmt.Sprintf("  %d of %d topics · enter opens · esc clears", len(m.visible()), len(topic.All))))
	}
	unit := ""
	for i, t := range topic.All {
		if !m.matches(i) {
			continue
		}
		if t.Unit != unit {
			if unit != "" {
				add("")
			}
			unit = t.Unit
			add(s.Bold.Render(unit))
		}
		cursor := "  "
		if i == m.sel {
			cursor = s.Accent.Render("▸ ")
		}
		name := fmt.Sprintf("%s  %-11s", jumpLabel(i), t.ID)
		title := t.Title
		if !Openable(t.ID) {
			name, title = s.Dim.Render(name), s.Dim.Render("coming · "+title)
		} else if i == m.sel {
			name = s.Accent.Render(name)
		}
		m.lines[len(lines)] = i
		line := " " + cursor + name + " " + title
		if room := w - ansi.StringWidth(line) - 3; !short && room > 10 {
			line += s.Dim.Render(" · " + cutWords(t.Summary, room))
		}
		add(fit(line, w))
	}
	return strings.Join(lines, "\n")
}

// about is the selected topic's summary, papers and questions in at most
// h lines of w: whole lines, the questions first to go.
func (m *menu) about(t *topic.Topic, w, h int) string {
	s := m.c.S
	var lines []string
	add := func(text string, st func(...string) string) {
		for _, l := range strings.Split(wrap(text, w), "\n") {
			lines = append(lines, st(l))
		}
	}
	plain := func(x ...string) string { return strings.Join(x, "") }
	lines = append(lines, s.Dim.Render(strings.Repeat("─", min(w, 60))))
	about := t.Summary
	if !Openable(t.ID) {
		about += " (coming: not built yet)"
	} else {
		about += fmt.Sprintf("  [enter, or jclub open %s]", t.ID)
	}
	add(about, plain)
	if len(t.Papers) > 0 {
		lines = append(lines, "", s.Bold.Render("Papers"))
		for _, p := range t.Papers {
			add("· "+p, s.Dim.Render)
		}
	}
	if len(t.Questions) > 0 {
		lines = append(lines, "", s.Bold.Render("Questions the screen answers"))
		for _, q := range t.Questions {
			add("· "+q.Text, plain)
		}
	}
	if h >= 0 && len(lines) > h {
		lines = lines[:max(0, h)]
		// a heading with nothing under it goes too
		for len(lines) > 0 && (lines[len(lines)-1] == "" || !strings.HasPrefix(ansi.Strip(lines[len(lines)-1]), "· ") && len(lines) > 2) {
			lines = lines[:len(lines)-1]
		}
	}
	return strings.Join(lines, "\n")
}

// cutWords cuts s at a space to fit w cells, marking the cut with …
func cutWords(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	words := strings.Fields(s)
	for len(words) > 1 {
		words = words[:len(words)-1]
		if c := strings.Join(words, " ") + " …"; ansi.StringWidth(c) <= w {
			return c
		}
	}
	return ansi.Truncate(s, w, "…")
}

// jumpLabel is the key that jumps to topic i: 1–9, then 0 for the tenth, and
// a blank beyond (those are reached from the menu or by / find).
func jumpLabel(i int) string {
	switch {
	case i < 9:
		return fmt.Sprint(i + 1)
	case i == 9:
		return "0"
	}
	return " "
}
