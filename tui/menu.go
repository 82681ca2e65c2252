package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

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

func (m *menu) view(w, h int) string {
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
		name := fmt.Sprintf("%d  %-11s", i+1, t.ID)
		title := t.Title
		if !Openable(t.ID) {
			name, title = s.Dim.Render(name), s.Dim.Render("coming · "+title)
		} else if i == m.sel {
			name = s.Accent.Render(name)
		}
		m.lines[len(lines)] = i
		add(fit(" "+cursor+name+" "+title+s.Dim.Render(" · "+t.Summary), w))
	}
	add("")
	t := topic.All[m.sel]
	add(s.Dim.Render(strings.Repeat("─", min(w, 60))))
	about := t.Summary
	if !Openable(t.ID) {
		about += " (coming: not built yet)"
	} else {
		about += fmt.Sprintf("  [enter, or jclub open %s]", t.ID)
	}
	add(wrap(about, w-2))
	return block(strings.Join(lines, "\n"), w, h)
}
