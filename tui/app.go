package tui

import (
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/jclub/jclub/topic"
)

// screen is how a topic is shown: the unit of each of its experiments,
// the speed it starts at (an index into speeds), and how many steps into a
// fresh run the home screen's preview shows.
type screen struct {
	unit    func(experiment string) unit
	speed   int
	preview int
}

// screens is every topic's screen, by topic id.
var screens = map[string]screen{
	"diffusion":   {unit: newDiffusion, speed: 1, preview: 40},
	"anomalous":   {unit: newAnomalous, speed: 1, preview: 60},
	"reynolds":    {unit: newReynolds, speed: 2, preview: 150},
	"perceptron":  {unit: newPerceptron, speed: 0, preview: 40},
	"hopfield":    {unit: newHopfield, speed: 2, preview: 300},
	"backprop":    {unit: newBackprop, speed: 3},
	"boltzmann":   {unit: newBoltzmann, speed: 8},
	"deep":        {unit: newDeep, speed: 4},
	"information": {unit: newInformation, speed: 1, preview: 40},
	"control":     {unit: newControl, speed: 1, preview: 60},
	"ica":         {unit: newICA, speed: 2, preview: 100},
	"cnn":         {unit: newCNN, speed: 3},
	"rnn":         {unit: newRNN, speed: 2, preview: 200},
	"rl":          {unit: newRL, speed: 3, preview: 200},
}

// Openable reports whether a topic has a screen.
func Openable(id string) bool { _, ok := screens[id]; return ok }

// Options configures a new explorer.
type Options struct {
	Topic    *topic.Topic // open on this topic; nil for the home menu
	Values   topic.Values // its parameters (zero value: defaults)
	Seed     uint64
	Steps    int                // take this many steps on opening (jclub open --steps)
	Question *topic.Question    // opened on this question (jclub open --question): its line shown
	Renderer *lipgloss.Renderer // nil: the process's terminal
	// Gate, if set, is entered around every batch of simulation steps: the
	// SSH server shares the machine's cores between sessions with it.
	Gate func() (release func())
	// Present makes this explorer the room's presenter: what it shows is the
	// room's state. Follow makes it a follower of the room instead: it draws
	// the room's state and cannot change it. The caller claims the room for
	// a presenter (Room.Present) and calls Close when the session ends.
	Present, Follow *Room
	// Rooms, if set, lists the rooms being presented: the home menu offers
	// to follow one (F).
	Rooms func() []*Room
}

// Window sizes beyond these are clamped: a client can claim 4294967295
// columns, and nobody's terminal is that large.
const (
	MaxWidth  = 600
	MaxHeight = 300
)

// App is the explorer: the home menu, the current screen, the help and the
// window size.
type App struct {
	c        *Common
	w, h     int
	menu     menu
	screen   Screen
	visited  map[string]Screen  // every topic opened, by id: leaving keeps its state
	previews map[string]*runner // the home screen's views of them, or of fresh runs
	help     help.Model
	showHelp bool
	flash    string
	quitting bool
	room     *Room     // presenting this room
	fol      *follower // following a room
	rooms    func() []*Room
}

// New makes an explorer.
func New(o Options) *App {
	r := o.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	c := NewCommon(r)
	c.gate = o.Gate
	c.room = o.Present
	a := &App{c: c, menu: newMenu(c), help: c.newHelp(MinWidth), visited: map[string]Screen{}, previews: map[string]*runner{}}
	a.rooms = o.Rooms
	switch {
	case o.Follow != nil:
		a.fol = newFollower(c, o.Follow)
		return a
	case o.Present != nil:
		a.room = o.Present
		a.room.mu.RLock()
		st := a.room.st
		a.room.mu.RUnlock()
		if st != nil && o.Topic == nil { // back in the room: where it was
			r := &runner{c: c, d: newDrawer(c), st: st}
			a.screen, a.visited[st.t.ID] = r, r
			a.menu.select_(st.t)
			return a
		}
	}
	if o.Topic != nil && Openable(o.Topic.ID) {
		v := o.Values
		if len(v.Params()) == 0 {
			v = o.Topic.Defaults()
		}
		a.open(o.Topic, v, o.Seed)
		if r, ok := a.screen.(*runner); ok && o.Question != nil {
			r.showQuestion(o.Question)
		}
		if r, ok := a.screen.(interface{ Advance(int) }); ok && o.Steps > 0 {
			r.Advance(o.Steps)
		}
	}
	return a
}

// Run opens the explorer in the terminal (alternate screen, mouse on).
func Run(o Options) error {
	_, err := tea.NewProgram(New(o), tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithOutput(os.Stdout)).Run()
	return err
}

func (a *App) open(t *topic.Topic, v topic.Values, seed uint64) tea.Cmd {
	sc, ok := screens[t.ID]
	if !ok {
		a.flash = fmt.Sprintf("%s is coming: not built yet", t.ID)
		return nil
	}
	a.leave()
	a.screen = newRunner(a.c, t, sc.unit, v, seed, sc.speed)
	a.visited[t.ID] = a.screen
	a.showHelp = false
	a.resize()
	return a.screen.Init()
}

// goTo shows topic t as it was left, or opens it with its defaults.
func (a *App) goTo(t *topic.Topic) tea.Cmd {
	s, ok := a.visited[t.ID]
	if !ok {
		return a.open(t, t.Defaults(), 1)
	}
	a.leave()
	a.screen = s
	a.showHelp = false
	a.resize()
	return s.Resume()
}

// leave puts the current screen aside, its state kept; its pending ticks
// no longer match any generation and are ignored.
func (a *App) leave() {
	a.screen = nil
	a.c.nextGen()
}

func (a *App) Init() tea.Cmd {
	switch {
	case a.fol != nil:
		return a.fol.Init()
	case a.room != nil:
		a.publish()
		return a.room.watchCount()
	}
	return nil
}

// Close leaves the room the explorer presents or follows.
func (a *App) Close() {
	switch {
	case a.fol != nil:
		a.fol.stop()
	case a.room != nil:
		a.room.Leave()
	}
}

// followerUpdate is Update for a follower: only its own view changes.
func (a *App) followerUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = min(max(msg.Width, 0), MaxWidth), min(max(msg.Height, 0), MaxHeight)
		a.help.Width = a.w
		a.fol.setSize(a.w, a.h-1)
		return nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 { // one key at a time, as for the presenter
			if msg.Paste || len(msg.Runes) > 32 {
				return nil
			}
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, a.followerUpdate(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return tea.Batch(cmds...)
		}
		k := a.c.Keys
		switch {
		case msg.String() == "ctrl+c" || key.Matches(msg, k.Quit):
			return tea.Quit
		case a.tooSmall() || msg.Paste:
			return nil
		case key.Matches(msg, k.Help) || a.showHelp && key.Matches(msg, k.Back):
			a.showHelp = !a.showHelp
			return nil
		case a.showHelp:
			return nil
		}
	}
	return a.fol.update(msg, a.c.Keys)
}

// publish makes what the presenter shows the room's state; call it holding
// the room's lock.
func (a *App) publish() {
	if a.quitting {
		return
	}
	var st *state
	if r, ok := a.screen.(*runner); ok {
		st = r.st
	}
	a.room.st = st
	a.room.changed()
}

// preview draws topic t's main picture for the home screen: its screen as
// it was left, or a fresh run of its defaults a few steps in.
func (a *App) preview(t *topic.Topic, w, h int) string {
	p := a.previews[t.ID]
	if s, ok := a.visited[t.ID].(*runner); ok && (p == nil || p.st != s.st) {
		p = s.view(a.c)
		a.previews[t.ID] = p
	}
	where := "as you left it"
	if p == nil {
		sc := screens[t.ID]
		p = newRunner(a.c, t, sc.unit, t.Defaults(), 1, sc.speed)
		p.Advance(sc.preview)
		a.previews[t.ID] = p
	}
	if _, ok := a.visited[t.ID]; !ok {
		where = "a fresh run"
	}
	p.d.v = p.st.v
	main := p.st.u.layout(p.d).main
	main.title = fmt.Sprintf("preview: %s, step %d · %s", where, p.st.steps, main.title)
	return a.c.drawBox(main, w, h)
}

func (a *App) tooSmall() bool { return a.w < MinWidth || a.h < MinHeight }

func (a *App) resize() {
	a.help.Width = a.w
	if a.screen != nil && !a.tooSmall() {
		a.screen.SetSize(a.w, a.h-1)
	}
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if a.fol != nil {
		return a, a.followerUpdate(msg)
	}
	if a.room != nil { // the presenter changes the room's state only here
		a.room.mu.Lock()
		defer func() {
			a.publish()
			a.room.mu.Unlock()
		}()
		if _, ok := msg.(countMsg); ok {
			if r, ok := a.screen.(*runner); ok {
				r.render(false)
			}
			return a, a.room.watchCount()
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h = min(max(msg.Width, 0), MaxWidth), min(max(msg.Height, 0), MaxHeight)
		a.resize()
		return a, nil
	case tea.KeyMsg:
		// keys typed quickly (or sent over SSH) can arrive as one message
		// of several runes: take them one at a time; a long run is a paste
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 {
			if msg.Paste || len(msg.Runes) > 32 {
				return a, nil
			}
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, a.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return a, tea.Batch(cmds...)
		}
		return a, a.key(msg)
	case tea.MouseMsg:
		switch {
		case a.tooSmall() || a.showHelp:
		case a.screen != nil:
			return a, a.screen.Update(msg)
		case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
			if t := a.menu.at(msg.Y); t != nil {
				a.menu.select_(t)
				return a, a.goTo(t)
			}
		}
		return a, nil
	}
	if a.screen != nil {
		return a, a.screen.Update(msg)
	}
	return a, nil
}

func (a *App) key(msg tea.KeyMsg) tea.Cmd {
	k := a.c.Keys
	a.flash = ""
	if a.screen == nil && a.menu.filtering && !a.tooSmall() && !a.showHelp && msg.String() != "ctrl+c" {
		if t, enter := a.menu.key(msg); enter {
			return a.goTo(t)
		}
		return nil
	}
	switch {
	case msg.String() == "ctrl+c" || key.Matches(msg, k.Quit):
		a.quitting = true // a presenter's room keeps the topic it showed
		a.leave()
		return tea.Quit
	case a.tooSmall():
		return nil // nothing to see: no key acts unseen
	case key.Matches(msg, k.Help):
		a.showHelp = !a.showHelp
		return nil
	case key.Matches(msg, k.Back):
		switch {
		case a.showHelp:
			a.showHelp = false
		case a.screen == nil:
		case a.screen.Escape(): // staged changes dropped
		default:
			a.leave()
		}
		return nil
	case key.Matches(msg, k.Jump):
		i := int(msg.String()[0] - '1')
		if msg.String() == "0" {
			i = 9
		}
		if i < len(topic.All) {
			t := topic.All[i]
			a.menu.select_(t)
			if a.screen != nil && a.screen.Topic() == t {
				return nil
			}
			return a.goTo(t)
		}
		return nil
	}
	if a.showHelp {
		return nil
	}
	if a.screen != nil {
		return a.screen.Update(msg)
	}
	if room := a.liveRoom(); room != nil && a.room == nil && key.Matches(msg, followKey) {
		a.fol = newFollower(a.c, room)
		a.fol.setSize(a.w, a.h-1)
		return a.fol.Init()
	}
	if t, enter := a.menu.key(msg); enter {
		return a.goTo(t)
	}
	return nil
}

// followKey follows a live room from the home menu.
var followKey = key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow the presenter"))

// liveRoom is the room the home menu offers to follow: main if it is
// presented, else the first that is.
func (a *App) liveRoom() *Room {
	if a.rooms == nil {
		return nil
	}
	var first *Room
	for _, r := range a.rooms() {
		if !r.Presenting() {
			continue
		}
		if r.Name() == "main" {
			return r
		}
		if first == nil {
			first = r
		}
	}
	return first
}

func (a *App) View() string {
	if a.w <= 0 || a.h <= 0 {
		return ""
	}
	if a.tooSmall() {
		msg := fmt.Sprintf("terminal too small (need %d×%d, have %d×%d)", MinWidth, MinHeight, a.w, a.h)
		lines := strings.Split(wrap(msg, a.w), "\n")
		return block(strings.Join(lines, "\n"), a.w, a.h)
	}
	var body string
	switch {
	case a.showHelp:
		body = a.helpView()
	case a.fol != nil:
		body = padLines(a.fol.View(), a.w, a.h-1)
	case a.screen != nil:
		body = padLines(a.screen.View(), a.w, a.h-1) // screens draw exactly their size
	default:
		body = a.menu.view(a.w, a.h-1, a.preview)
		if room := a.liveRoom(); room != nil && a.room == nil {
			note := a.c.S.Accent.Render(fmt.Sprintf("● room %s is being presented: F follows it", room.Name()))
			lines := strings.SplitN(body, "\n", 3)
			if len(lines) == 3 { // on the menu's blank second line
				body = lines[0] + "\n" + fit(note, a.w) + "\n" + lines[2]
			}
		}
	}
	bar := a.help.ShortHelpView(a.shortHelp())
	if a.fol != nil && !a.showHelp {
		bar = a.c.S.Accent.Render(a.fol.status()) + "  " + bar
	}
	if a.flash != "" {
		bar = a.c.S.Warn.Render(a.flash)
	}
	return padLines(body, a.w, a.h-1) + "\n" + fit(bar, a.w)
}

func (a *App) shortHelp() []key.Binding {
	k := a.c.Keys
	switch {
	case a.showHelp:
		return []key.Binding{key.NewBinding(key.WithKeys("?", "esc"), key.WithHelp("?/esc", "close help")), k.Quit}
	case a.fol != nil:
		return a.fol.shortHelp(k)
	case a.screen != nil:
		return a.screen.ShortHelp()
	}
	if a.menu.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
			k.Up, k.Down}
	}
	if a.liveRoom() != nil && a.room == nil {
		return []key.Binding{followKey, k.Up, k.Down, k.Enter, filterKey, k.Jump, k.Help, k.Quit}
	}
	return []key.Binding{k.Up, k.Down, k.Enter, filterKey, k.Jump, k.Help, k.Quit}
}

func (a *App) helpView() string {
	k := a.c.Keys
	groups := [][]key.Binding{{k.Up, k.Down, k.Enter, filterKey, k.Jump}, {k.Help, k.Back, k.Quit}}
	where := "Home menu"
	if a.screen != nil {
		groups = a.screen.FullHelp()
		where = a.screen.Topic().Title
	}
	h := a.c.newHelp(a.w - 4)
	text := a.c.S.Title.Render("Keys: "+where) + "\n\n" + h.FullHelpView(groups) + "\n\n" +
		wrap("Space runs and pauses; n takes one update and shows it with its numbers. Esc goes back to the menu and a topic left keeps its run: coming back resumes it; r starts again. "+
			"Tab cycles the side panel; on Parameters, ↑↓ choose and ←→ change a value: before the first step it restarts the run with the same seed, after it the change is staged (*) until enter. "+
			"The Share panel holds the jclub run line that reproduces the screen (jclub open takes the same flags). Mouse clicks open topics on the menu.", a.w-4)
	return a.c.box("Help", text, a.w, a.h-1, true)
}
