package dotenvfile

import (
	"bytes"
	"errors"
	"testing"
)

const body = "API_PORT=21340\nAPI_URL='http://localhost:21340/a b'\n"

func block(begin string) string { return begin + "\n" + body + endLine + "\n" }

// TestSplice pins where the block goes and how it records what release must undo.
func TestSplice(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		exists bool
		want   string
	}{
		{"a new file is the block, and says it made the file", "", false, block(beginCreated)},
		{"an empty file gets the block", "", true, block(beginPlain)},
		{"appended after the last line", "A=1\n# note\n", true, "A=1\n# note\n" + block(beginPlain)},
		{"a last line without a line break gets one, recorded", "A=1\nB=2", true, "A=1\nB=2\n" + block(beginJoined)},
		{"CRLF lines are kept as they are", "A=1\r\nB=2\r\n", true, "A=1\r\nB=2\r\n" + block(beginPlain)},
		{
			"an old block is replaced where it is, lines around it untouched",
			"A=1\n" + beginPlain + "\nAPI_PORT=1\n" + endLine + "\nZ=26 # after\n", true,
			"A=1\n" + block(beginPlain) + "Z=26 # after\n",
		},
		{
			"a replaced block keeps its record",
			beginCreated + "\nOLD=1\n" + endLine + "\nMINE=1\n", true,
			block(beginCreated) + "MINE=1\n",
		},
		{
			"a begin line edited by hand is still the block's",
			"A=1\n" + beginPrefix + " whatever\nOLD=1\n" + endLine + "\n", true,
			"A=1\n" + block(beginPlain),
		},
		{"an end line without a line break", "A=1\n" + beginPlain + "\nOLD=1\n" + endLine, true, "A=1\n" + block(beginPlain)},
	}
	for _, tt := range tests {
		got, err := Splice([]byte(tt.in), tt.exists, []byte(body))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		// Writing the same block again changes nothing, so allocate writes no file.
		again, err := Splice(got, true, []byte(body))
		if err != nil || !bytes.Equal(again, got) {
			t.Errorf("%s: a second Splice changed the file: %q, %v", tt.name, again, err)
		}
	}
}

// TestStrip checks that release leaves every file as it was before the block came.
func TestStrip(t *testing.T) {
	for _, tt := range []struct {
		name   string
		before string
		exists bool
	}{
		{"a file the block made", "", false},
		{"an empty file", "", true},
		{"ordinary lines", "A=1\n# note\n\nB='x y'\n", true},
		{"no line break at the end", "A=1\nB=2", true},
		{"only a line without a line break", "A=1", true},
		{"a file of line breaks", "\n\n", true},
		{"CRLF", "A=1\r\nB=2", true},
	} {
		with, err := Splice([]byte(tt.before), tt.exists, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		got, remove, found, err := Strip(with)
		if err != nil || !found {
			t.Errorf("%s: Strip found %v, %v", tt.name, found, err)
			continue
		}
		if string(got) != tt.before {
			t.Errorf("%s: Strip = %q, want %q", tt.name, got, tt.before)
		}
		if remove != !tt.exists {
			t.Errorf("%s: remove = %v, want %v", tt.name, remove, !tt.exists)
		}
	}

	// A file without a block is left alone.
	if out, remove, found, err := Strip([]byte("A=1\n")); string(out) != "A=1\n" || remove || found || err != nil {
		t.Errorf("Strip without a block = %q, %v, %v, %v", out, remove, found, err)
	}
	// Lines the user added after the block stay, and so does the line break before it:
	// without it they would run into the line above.
	with, _ := Splice([]byte("A=1"), true, []byte(body))
	with = append(with, "B=2\n"...)
	if out, _, _, _ := Strip(with); string(out) != "A=1\nB=2\n" {
		t.Errorf("Strip with a line after the block = %q", out)
	}
	// A file the block made, to which the user added a line, stays, with that line.
	with, _ = Splice(nil, false, []byte(body))
	with = append([]byte("MINE=1\n"), with...)
	if out, remove, _, _ := Strip(with); string(out) != "MINE=1\n" || remove {
		t.Errorf("Strip of a made file with a user's line = %q, remove %v", out, remove)
	}
}

// TestBroken: markers that do not make one block are never guessed at.
func TestBroken(t *testing.T) {
	for _, in := range []string{
		beginPlain + "\nA=1\n",                                      // no end
		"A=1\n" + endLine + "\n",                                    // no begin
		endLine + "\n" + beginPlain + "\n",                          // in the wrong order
		block(beginPlain) + block(beginPlain),                       // two blocks
		beginPlain + "\n" + beginPlain + "\nA=1\n" + endLine + "\n", // two begins
	} {
		var be *BrokenError
		if _, err := Splice([]byte(in), true, []byte(body)); !errors.As(err, &be) {
			t.Errorf("Splice(%q) error = %v, want a *BrokenError", in, err)
		}
		if _, _, _, err := Strip([]byte(in)); !errors.As(err, &be) {
			t.Errorf("Strip(%q) error = %v, want a *BrokenError", in, err)
		}
	}
}

// FuzzSpliceStrip: for any file without markers, adding the block and removing it gives
// the file back byte for byte, and a file the block made goes away.
func FuzzSpliceStrip(f *testing.F) {
	f.Add([]byte("A=1\nB=2"), true)
	f.Add([]byte(""), false)
	f.Add([]byte("\r\n\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, exists bool) {
		if bytes.Contains(data, []byte(beginPrefix)) || bytes.Contains(data, []byte(endLine)) {
			t.Skip()
		}
		if !exists {
			data = nil
		}
		with, err := Splice(data, exists, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(with, data) {
			t.Fatalf("Splice changed the bytes before the block: %q -> %q", data, with)
		}
		got, remove, found, err := Strip(with)
		if err != nil || !found {
			t.Fatalf("Strip: %v, %v", found, err)
		}
		if !bytes.Equal(got, data) || remove == exists {
			t.Fatalf("Strip(Splice(%q)) = %q, remove %v", data, got, remove)
		}
	})
}
