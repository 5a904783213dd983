package main

import (
	"strconv"
	"time"
)

const (
	secMs  = int64(1000)
	minMs  = 60 * secMs
	hourMs = 60 * minMs
	dayMs  = 24 * hourMs
)

// clock formats Unix milliseconds quickly by caching the date part of the current day.
type clock struct {
	day  int64
	date [10]byte // 2021-03-02
	ok   bool
}

func (c *clock) sync(ms int64) {
	day := ms / dayMs
	if c.ok && day == c.day {
		return
	}
	c.day, c.ok = day, true
	y, m, d := time.UnixMilli(day * dayMs).UTC().Date()
	put4(c.date[0:], y)
	c.date[4] = '-'
	put2(c.date[5:], int(m))
	c.date[7] = '-'
	put2(c.date[8:], d)
}

func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10), byte('0'+v%10) }
func put4(b []byte, v int) {
	b[0], b[1], b[2], b[3] = byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10)
}

// appendHMS appends hh:mm:ss of the time of day.
func appendHMS(b []byte, ms int64) []byte {
	t := ms % dayMs / 1000
	var x [8]byte
	put2(x[0:], int(t/3600))
	x[2] = ':'
	put2(x[3:], int(t/60%60))
	x[5] = ':'
	put2(x[6:], int(t%60))
	return append(b, x[:]...)
}

// appendISO appends 2021-03-02T10:15:23.123Z (Exchange's log time).
func (c *clock) appendISO(b []byte, ms int64) []byte {
	c.sync(ms)
	b = append(b, c.date[:]...)
	b = append(b, 'T')
	b = appendHMS(b, ms)
	f := ms % 1000
	return append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10), 'Z')
}

// appendW3C appends 2021-03-02 10:15:23 (IIS's date and time columns).
func (c *clock) appendW3C(b []byte, ms int64) []byte {
	c.sync(ms)
	b = append(b, c.date[:]...)
	b = append(b, ' ')
	return appendHMS(b, ms)
}

func appendInt(b []byte, v int) []byte { return strconv.AppendInt(b, int64(v), 10) }

// stamp formats names of log files.
func hourStamp(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006010215") }
func dayStamp(ms int64) string  { return time.UnixMilli(ms).UTC().Format("060102") }

func isoSeconds(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05Z") }
