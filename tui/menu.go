package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/topic"
)

// menu is the home screen: the topics by unit, a cursor, and the selected
// topic's summary.
type menu struct {
	c     *Common
	sel   int         // index into topic.All
	lines map[int]int // screen row → topic index, from the last view
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
	k := m.c.Keys
	n := len(topic.All)
	switch {
	case key.Matches(msg, k.Up):
		m.sel = (m.sel + n - 1) % n
	case key.Matches(msg, k.Down):
		m.sel = (m.sel + 1) % n
	case key.Matches(msg, k.Enter), key.Matches(msg, k.Right):
		return topic.All[m.sel], true
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
	unit := ""
	for i, t := range topic.All {
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
