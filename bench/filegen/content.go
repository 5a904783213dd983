package main

import (
	"encoding/binary"
	"hash"
	"math/rand/v2"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"
)

const chunk = 1 << 20

// sink writes one file through a large buffer and hashes what it writes. Generators append
// to buf and call flushIf; the file is cut at size.
type sink struct {
	f    *os.File
	h    hash.Hash
	buf  []byte
	n    int64 // bytes written to f
	size int64 // bytes to write
	err  error
}

func (w *sink) room() int64 { return w.size - w.n - int64(len(w.buf)) }

func (w *sink) flushIf() {
	if len(w.buf) >= chunk {
		w.flush()
	}
}

func (w *sink) flush() {
	b := w.buf
	if over := w.n + int64(len(b)) - w.size; over > 0 {
		b = b[:max(0, int64(len(b))-over)]
	}
	if len(b) > 0 && w.err == nil {
		if _, err := w.f.Write(b); err != nil {
			w.err = err
		}
		w.h.Write(b)
		w.n += int64(len(b))
	}
	w.buf = w.buf[:0]
}

func (w *sink) add(s string) { w.buf = append(w.buf, s...) }

// random appends n random bytes (fewer when the file ends first).
func (w *sink) random(src *rand.PCG, n int64) {
	for n > 0 && w.room() > 0 && w.err == nil {
		free := int64(cap(w.buf) - len(w.buf))
		if free < 8 {
			w.flush()
			continue
		}
		k := min(n, w.room(), free)
		start := len(w.buf)
		w.buf = w.buf[:start+int(k)]
		p := w.buf[start:]
		for len(p) >= 8 {
			binary.LittleEndian.PutUint64(p, src.Uint64())
			p = p[8:]
		}
		if len(p) > 0 {
			v := src.Uint64()
			for i := range p {
				p[i] = byte(v)
				v >>= 8
			}
		}
		n -= k
		w.flushIf()
	}
}

func (w *sink) zeros(n int64) {
	for n > 0 && w.room() > 0 && w.err == nil {
		free := int64(cap(w.buf) - len(w.buf))
		if free < 8 {
			w.flush()
			continue
		}
		k := min(n, w.room(), free)
		start := len(w.buf)
		w.buf = w.buf[:start+int(k)]
		clear(w.buf[start:])
		n -= k
		w.flushIf()
	}
}

// ---- binaries ----

var apiNames = []string{"CreateFileW", "ReadFile", "WriteFile", "CloseHandle", "GetProcAddress", "LoadLibraryExW",
	"VirtualAlloc", "VirtualFree", "GetLastError", "RegOpenKeyExW", "RegQueryValueExW", "HeapAlloc", "HeapFree",
	"InitializeCriticalSectionEx", "EnterCriticalSection", "LeaveCriticalSection", "GetModuleHandleW",
	"WideCharToMultiByte", "MultiByteToWideChar", "RtlCaptureContext", "RtlLookupFunctionEntry",
	"EventWriteTransfer", "EventRegister", "CoCreateInstance", "CoInitializeEx", "SysAllocString",
	"GetSystemTimeAsFileTime", "QueryPerformanceCounter", "GetCurrentProcessId", "GetCurrentThreadId",
	"IsDebuggerPresent", "UnhandledExceptionFilter", "SetUnhandledExceptionFilter", "TerminateProcess",
	"kernel32.dll", "advapi32.dll", "ntdll.dll", "ole32.dll", "oleaut32.dll", "rpcrt4.dll", "msvcrt.dll",
	"api-ms-win-core-synch-l1-2-0.dll", "api-ms-win-core-heap-l1-1-0.dll", "_initterm", "memcpy", "memset",
	"__C_specific_handler", "DllMain", "DllGetClassObject", "DllCanUnloadNow", "DllRegisterServer"}

// dotnetIdents are names the metadata of Exchange's .NET assemblies holds: among them the
// ones web shells use too (Process, Assembly.Load, FromBase64String, Eval): legitimate here.
var dotnetIdents = []string{"System.Web.UI.Page", "HttpContext", "get_Request", "get_Response",
	"HttpRequest", "HttpResponse", "Write", "get_QueryString", "get_Form", "get_Item", "System.Diagnostics",
	"Process", "ProcessStartInfo", "Start", "System.Reflection", "Assembly", "Load", "Convert",
	"FromBase64String", "ToBase64String", "Microsoft.Exchange.Diagnostics", "ExTraceGlobals",
	"Microsoft.Exchange.Data.Directory", "ADObjectId", "GetString", "Encoding", "get_UTF8", "set_FileName",
	"StreamWriter", "File", "WriteAllBytes", "Eval", "Microsoft.JScript", "VsaEngine", "Dispose",
	"IDisposable", "get_Length", "ToString", "Equals", "GetHashCode", "op_Equality", "String", "Int32",
	"Boolean", "Object", "Exception", "ArgumentNullException", "InvalidOperationException", "Dictionary`2",
	"List`1", "IEnumerable`1", "GetEnumerator", "MoveNext", "get_Current", "CompilerGeneratedAttribute",
	"DebuggerNonUserCodeAttribute", "<Module>", "mscorlib", "System.Core", "System.Xml", "XmlReader",
	"MailboxSession", "StoreObjectId", "PropertyDefinition", "OrganizationId", "RecipientType",
	"ExchangePrincipal", "Microsoft.Exchange.Data.Storage", "TraceDebug", "TraceError", "LocalizedString",
	"Strings", "ResourceManager", "get_Culture", "AssemblyFileVersionAttribute", "15.01.2507.006",
	"Microsoft.Exchange.Management.ControlPanel", "DDIService", "GetList", "SetObject", "NewObject"}

var versionStrings = []string{"VS_VERSION_INFO", "StringFileInfo", "040904B0", "CompanyName", "Microsoft Corporation",
	"FileDescription", "FileVersion", "15.01.2507.006", "InternalName", "LegalCopyright",
	"© Microsoft Corporation. All rights reserved.", "OriginalFilename", "ProductName",
	"Microsoft® Exchange", "ProductVersion", "VarFileInfo", "Translation", "The operation completed successfully.",
	"Access is denied.", "The parameter is incorrect.", "Unable to connect to Active Directory.",
	"Microsoft® Windows® Operating System", "10.0.14393.4283 (rs1_release.210303-1802)"}

var dosStub = []byte("\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$\x00\x00\x00\x00\x00\x00\x00")

// writePE writes a Windows binary: DOS header and stub, PE header, section table, then
// sections of random bytes (code, data), NUL-separated ASCII names (imports, .NET metadata),
// UTF-16 strings (version resources) and zero padding.
func writePE(w *sink, r *rand.Rand, src *rand.PCG, s *spec) {
	dotnet := s.sub == 1
	h := make([]byte, 0x400)
	copy(h, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00\x40")
	lfanew := 0x80
	if !dotnet {
		lfanew = 0xE8 + 8*r.IntN(3)
		copy(h[0x80:], "\x00\x00\x00\x00Rich") // a Rich header's tail, the rest left random below
		for i := 0x88; i < lfanew-8; i++ {
			h[i] = byte(src.Uint64())
		}
	}
	binary.LittleEndian.PutUint32(h[0x3C:], uint32(lfanew))
	copy(h[0x40:], dosStub)
	pe := h[lfanew:]
	copy(pe, "PE\x00\x00")
	nsec := 4 + r.IntN(3)
	secNames := []string{".text", ".rdata", ".data", ".pdata", ".rsrc", ".reloc"}
	machine, optSize, magic := uint16(0x8664), uint16(0xF0), uint16(0x20B)
	if dotnet {
		machine, optSize, magic, nsec = 0x14C, 0xE0, 0x10B, 3
		secNames = []string{".text", ".rsrc", ".reloc"}
	}
	binary.LittleEndian.PutUint16(pe[4:], machine)
	binary.LittleEndian.PutUint16(pe[6:], uint16(nsec))
	binary.LittleEndian.PutUint32(pe[8:], uint32(s.mtime-int64(r.IntN(90*86400))))
	binary.LittleEndian.PutUint16(pe[20:], optSize)
	ch := uint16(0x2022)
	if s.ext == "exe" {
		ch = 0x0022
	}
	binary.LittleEndian.PutUint16(pe[22:], ch)
	opt := pe[24:]
	binary.LittleEndian.PutUint16(opt[0:], magic)
	opt[2], opt[3] = 14, byte(r.IntN(30))
	binary.LittleEndian.PutUint32(opt[4:], uint32(s.size*6/10))
	binary.LittleEndian.PutUint32(opt[16:], uint32(0x1000+r.IntN(0x40000))&^0xF)
	binary.LittleEndian.PutUint32(opt[20:], 0x1000)
	binary.LittleEndian.PutUint32(opt[32:], 0x1000) // section alignment
	binary.LittleEndian.PutUint32(opt[36:], 0x200)  // file alignment
	binary.LittleEndian.PutUint16(opt[40:], 10)
	binary.LittleEndian.PutUint16(opt[48:], 10)
	binary.LittleEndian.PutUint32(opt[56:], uint32((s.size+0xFFF)&^0xFFF))
	binary.LittleEndian.PutUint32(opt[60:], 0x400)
	sub := uint16(3) // console
	if s.ext == "exe" && r.IntN(3) == 0 {
		sub = 2 // GUI
	}
	binary.LittleEndian.PutUint16(opt[68:], sub)
	binary.LittleEndian.PutUint16(opt[70:], 0x8160)
	dd := 112
	if magic == 0x10B {
		dd = 96
	}
	binary.LittleEndian.PutUint32(opt[dd-4:], 16)
	for i := 0; i < 16; i++ {
		if r.IntN(3) == 0 || (dotnet && i == 14) {
			binary.LittleEndian.PutUint32(opt[dd+8*i:], uint32(0x1000+r.IntN(int(max(0x2000, s.size)))))
			binary.LittleEndian.PutUint32(opt[dd+8*i+4:], uint32(0x48+r.IntN(0x2000)))
		}
	}
	secTab := opt[optSize:]
	body := max(0, s.size-0x400)
	ptr := uint32(0x400)
	for i := 0; i < nsec; i++ {
		e := secTab[40*i:]
		copy(e, secNames[i])
		share := body / int64(nsec)
		if i == 0 {
			share = body - share*int64(nsec-1)
		}
		raw := uint32(share) &^ 0x1FF
		binary.LittleEndian.PutUint32(e[8:], raw+uint32(r.IntN(0x200)))
		binary.LittleEndian.PutUint32(e[12:], 0x1000*uint32(i+1))
		binary.LittleEndian.PutUint32(e[16:], raw)
		binary.LittleEndian.PutUint32(e[20:], ptr)
		ptr += raw
		chars := uint32(0x40000040)
		if i == 0 {
			chars = 0x60000020
		}
		binary.LittleEndian.PutUint32(e[36:], chars)
	}
	w.buf = append(w.buf, h...)
	if dotnet && w.room() > 0 {
		// CLR metadata root.
		w.random(src, min(int64(512+r.IntN(4096)), w.room()/8))
		w.add("BSJB\x01\x00\x01\x00\x00\x00\x00\x00\x0c\x00\x00\x00v4.0.30319\x00\x00\x00\x00\x05\x00")
		w.add("#~\x00\x00#Strings\x00\x00\x00\x00#US\x00#GUID\x00\x00\x00#Blob\x00\x00\x00")
	}
	for w.room() > 0 && w.err == nil {
		n := int64(4096 + r.IntN(60000))
		x := r.IntN(100)
		switch {
		case x < 60:
			w.random(src, n)
		case x < 75:
			peStrings(w, r, n, apiNames)
		case x < 85 && dotnet:
			peStrings(w, r, n, dotnetIdents)
		case x < 85:
			peStrings(w, r, n/2, apiNames)
		case x < 93:
			utf16Strings(w, r, n/2)
		default:
			w.zeros(n / 4)
		}
	}
}

func peStrings(w *sink, r *rand.Rand, n int64, words []string) {
	for n > 0 && w.room() > 0 {
		s := words[r.IntN(len(words))]
		if r.IntN(4) == 0 {
			// import hint or metadata index before the name
			w.buf = append(w.buf, byte(r.IntN(256)), byte(r.IntN(8)))
			n -= 2
		}
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, 0)
		n -= int64(len(s) + 1)
		w.flushIf()
	}
}

func utf16Strings(w *sink, r *rand.Rand, n int64) {
	for n > 0 && w.room() > 0 {
		s := versionStrings[r.IntN(len(versionStrings))]
		for _, u := range utf16.Encode([]rune(s)) {
			w.buf = append(w.buf, byte(u), byte(u>>8))
		}
		w.buf = append(w.buf, 0, 0)
		n -= int64(2*len(s) + 2)
		w.flushIf()
	}
}

// dataMagic is how binary files of each extension begin.
var dataMagic = map[string]string{
	"cat":      "\x30\x82\x00\x00\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x82",
	"msi":      "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00",
	"msp":      "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00",
	"cab":      "MSCF\x00\x00\x00\x00",
	"lzx":      "\x03\x00\x00\x00",
	"pf":       "MAM\x04",
	"vdm":      "MZ\x90\x00",
	"fon":      "MZ\x90\x00",
	"lnk":      "\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46",
	"tlb":      "MSFT\x02\x00\x01\x00",
	"dat-regf": "regf",
	"etl":      "\x00\x00\x00\x00\x00\x00\x01\x00",
	"blg":      "\x00\x00\x00\x00PLAL",
}

func writeData(w *sink, r *rand.Rand, src *rand.PCG, s *spec) {
	w.add(dataMagic[s.ext])
	for w.room() > 0 && w.err == nil {
		if r.IntN(10) == 0 {
			w.zeros(int64(512 + r.IntN(16384)))
		}
		w.random(src, int64(8192+r.IntN(120000)))
	}
}

func writeImage(w *sink, r *rand.Rand, src *rand.PCG, s *spec) {
	var b []byte
	switch s.ext {
	case "png":
		b = append(b, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"...)
		b = binary.BigEndian.AppendUint32(b, uint32(8+r.IntN(400)))
		b = binary.BigEndian.AppendUint32(b, uint32(8+r.IntN(400)))
		b = append(b, 8, 6, 0, 0, 0)
	case "gif":
		b = append(b, "GIF89a"...)
		b = binary.LittleEndian.AppendUint16(b, uint16(1+r.IntN(200)))
		b = binary.LittleEndian.AppendUint16(b, uint16(1+r.IntN(200)))
		b = append(b, 0xF7, 0, 0)
	case "jpg":
		b = append(b, "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"...)
	case "ico":
		b = append(b, 0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0)
	case "woff":
		b = append(b, "wOFF\x00\x01\x00\x00"...)
	case "eot":
		b = binary.LittleEndian.AppendUint32(b, uint32(s.size))
		b = append(b, 0, 0, 0, 0, 2, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0)
	case "ttf":
		b = append(b, 0, 1, 0, 0, 0, 0x10, 1, 0, 0, 4, 0, 0x10)
	}
	w.buf = append(w.buf, b...)
	w.random(src, w.room())
}

// ---- big files and notable files ----

func writeEDB(w *sink, r *rand.Rand, src *rand.PCG) {
	// ESE pages of 32 KiB: a checksum, the 0x89ABCDEF signature on the first page, then data.
	first := true
	for w.room() > 0 && w.err == nil {
		w.random(src, 4)
		if first {
			w.add("\xef\xcd\xab\x89\x20\x06\x00\x00")
			first = false
		}
		if r.IntN(8) == 0 {
			w.zeros(32768 - 12)
		} else {
			w.random(src, 32768-12)
		}
	}
}

func writeTranslog(w *sink, src *rand.PCG) {
	w.random(src, 4)
	w.add("\xef\xcd\xab\x89")
	w.random(src, w.room())
}

func writeArchive(w *sink, r *rand.Rand, src *rand.PCG, s *spec) {
	if s.ext == "7z" {
		w.add("7z\xbc\xaf\x27\x1c\x00\x04")
		w.random(src, w.room())
		return
	}
	for w.room() > 0 && w.err == nil {
		name := pick(r, []string{"Logs/", "Export/", "data/", ""}) + camelName(r) + pick(r, []string{".log", ".txt", ".xml", ".csv", ".evtx"})
		w.add("PK\x03\x04\x14\x00\x00\x00\x08\x00")
		w.random(src, 16)
		w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(len(name)))
		w.add("\x00\x00")
		w.add(name)
		w.random(src, int64(2000+r.IntN(400000)))
	}
}

func writeDump(w *sink, src *rand.PCG, s *spec) {
	switch s.sub {
	case dumpMDMP:
		w.add("MDMP\x93\xa7\x00\x00\x0e\x00\x00\x00\x20\x00\x00\x00")
	case dumpKernel:
		w.add("PAGEDU64\x0f\x00\x00\x00\x93\x39\x00\x00")
	}
	w.random(src, w.room())
}

func writePST(w *sink, src *rand.PCG) {
	w.add("!BDN")
	w.random(src, 4)
	w.add("SM\x17\x00\x13\x00\x01\x01")
	w.random(src, w.room())
}

// ---- text ----

// writeText writes a page, script, style sheet, XML or INI file of the spec's size: a header,
// body snippets, a closing tail, spaces to the exact size.
func writeText(w *sink, r *rand.Rand, src *rand.PCG, s *spec) {
	base := path.Base(s.rel)
	stem := strings.TrimSuffix(base, path.Ext(base))
	head, tail, body := textShape(s, r, stem)
	w.add(head)
	for w.room() > int64(len(tail))+400 && w.err == nil {
		w.buf = body(w.buf, r, src)
		w.flushIf()
	}
	if pad := w.room() - int64(len(tail)); pad > 0 {
		if pad > 2 {
			w.buf = append(w.buf, strings.Repeat(" ", int(pad-2))...)
			w.add("\r\n")
		} else {
			w.add("\r\n"[:pad])
		}
	}
	w.add(tail)
}

type bodyFn func(b []byte, r *rand.Rand, src *rand.PCG) []byte

func textShape(s *spec, r *rand.Rand, stem string) (head, tail string, body bodyFn) {
	switch s.ext {
	case "aspx", "master":
		if strings.Contains(s.rel, "/owa/auth/") || strings.Contains(s.rel, "/ecp/auth/") {
			head = `<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.` + strings.ReplaceAll(stem, ".", "") + `" %>` + "\r\n" +
				`<%@ Import namespace="Microsoft.Exchange.Clients"%>` + "\r\n" + `<%@ Import namespace="Microsoft.Exchange.HttpProxy"%>` + "\r\n" +
				"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\r\n<html>\r\n<head>\r\n<meta http-equiv=\"X-UA-Compatible\" content=\"IE=10\" />\r\n" +
				"<title><%=Strings.GetLocalizedString(Strings.IDs.OutlookWebApp)%></title>\r\n</head>\r\n<body class=\"signInBg\">\r\n"
		} else {
			head = `<%@ Page Language="C#" MasterPageFile="~/` + pick(r, []string{"Popup", "Site", "WizardPopup", "DDIMaster"}) + `.Master" AutoEventWireup="true" CodeBehind="` + stem + `.aspx.cs" Inherits="Microsoft.Exchange.Management.ControlPanel.` + stem + `" %>` + "\r\n" +
				`<%@ Register TagPrefix="ecp" Namespace="Microsoft.Exchange.Management.ControlPanel.WebControls" Assembly="Microsoft.Exchange.Management.ControlPanel" %>` + "\r\n" +
				`<asp:Content ID="contentMain" ContentPlaceHolderID="ResultPanePlaceHolder" runat="server">` + "\r\n"
		}
		tail = "</asp:Content>\r\n"
		if strings.Contains(head, "HttpProxy") {
			tail = "</body>\r\n</html>\r\n"
		}
		body = markup
	case "ascx":
		head = `<%@ Control Language="C#" AutoEventWireup="true" CodeBehind="` + stem + `.ascx.cs" Inherits="Microsoft.Exchange.Management.ControlPanel.` + stem + `" %>` + "\r\n"
		body = markup
	case "ashx":
		head = `<%@ WebHandler Language="C#" Class="Microsoft.Exchange.Management.ControlPanel.` + stem + `Handler" %>` + "\r\n"
		body = csComment
	case "svc":
		head = `<%@ ServiceHost Language="C#" Debug="false" Service="Microsoft.Exchange.Management.ControlPanel.` + stem + `" Factory="Microsoft.Exchange.Management.ControlPanel.EcpServiceHostFactory" %>` + "\r\n"
		body = csComment
	case "js":
		head = "/* Copyright (c) Microsoft Corporation. All rights reserved. */\r\n"
		body = jsCode
	case "css":
		head = "/* " + stem + " */\r\n"
		body = cssRules
	case "htm", "html":
		head = "<!DOCTYPE html>\r\n<html>\r\n<head><meta charset=\"utf-8\"><title>" + stem + "</title></head>\r\n<body>\r\n"
		tail = "</body>\r\n</html>\r\n"
		body = markup
	case "ps1", "psm1", "psd1":
		head = "# Copyright (c) Microsoft Corporation. All rights reserved.\r\n\r\n"
		body = psCode
	case "inf", "ini", "txt":
		head = "; " + stem + "\r\n[Version]\r\nSignature=\"$Windows NT$\"\r\n"
		body = iniLines
	case "json":
		head = "{\r\n  \"items\": [\r\n"
		tail = "  {}]\r\n}\r\n"
		body = jsonItems
	default: // xml, xaml, config, xsd, ps1xml, mum, manifest, svg
		root := map[string]string{"xaml": "Workflow", "config": "configuration", "xsd": "xs:schema", "ps1xml": "Types",
			"mum": "assembly", "manifest": "assembly", "svg": "svg"}[s.ext]
		if root == "" {
			root = stem
			if strings.ContainsAny(root, " .-") || root == "" {
				root = "Settings"
			}
		}
		head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<" + root + ">\r\n"
		tail = "</" + root + ">\r\n"
		body = xmlElems
	}
	return
}

func markup(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	id := pick(r, camel) + pick(r, camel)
	switch r.IntN(9) {
	case 0:
		b = append(b, "  <div class=\""...)
		b = append(b, strings.ToLower(id)...)
		b = append(b, "\">\r\n    <span class=\"label\"><%= Server.HtmlEncode(Strings."...)
		b = append(b, id...)
		b = append(b, ") %></span>\r\n  </div>\r\n"...)
	case 1:
		b = append(b, "  <ecp:Section ID=\"sec"...)
		b = append(b, id...)
		b = append(b, "\" runat=\"server\" Title=\"<%$ Strings:"...)
		b = append(b, id...)
		b = append(b, " %>\">\r\n    <ecp:TextBox ID=\"tb"...)
		b = append(b, id...)
		b = append(b, "\" runat=\"server\" MaxLength=\"256\" />\r\n  </ecp:Section>\r\n"...)
	case 2:
		b = append(b, "  <script type=\"text/javascript\">\r\n"...)
		b = jsCode(b, r, src)
		b = append(b, "  </script>\r\n"...)
	case 3:
		b = append(b, "  <% if (Request.QueryString[\""...)
		b = append(b, strings.ToLower(pick(r, camel))...)
		b = append(b, "\"] != null) { %>\r\n    <input type=\"hidden\" id=\"hid"...)
		b = append(b, id...)
		b = append(b, "\" value=\"<%= HttpUtility.HtmlAttributeEncode(Request.QueryString[\"id\"]) %>\" />\r\n  <% } %>\r\n"...)
	case 4:
		b = append(b, "  <asp:Label ID=\"lbl"...)
		b = append(b, id...)
		b = append(b, "\" runat=\"server\" CssClass=\"ecpLabel\" Text=\"<%$ Strings:"...)
		b = append(b, id...)
		b = append(b, " %>\" />\r\n"...)
	case 5:
		b = append(b, "  <table class=\"grid\"><tr><td class=\"c1\">"...)
		b = append(b, pick(r, camel)...)
		b = append(b, "</td><td class=\"c2\"><a href=\"#\" onclick=\"return "...)
		b = append(b, pick(r, jsIdents)...)
		b = append(b, "."...)
		b = append(b, id...)
		b = append(b, "(event);\">"...)
		b = append(b, pick(r, camel)...)
		b = append(b, "</a></td></tr></table>\r\n"...)
	case 6:
		b = append(b, "  <img src=\"data:image/png;base64,"...)
		for i := 0; i < 6+r.IntN(20); i++ {
			v := src.Uint64()
			for j := 0; j < 10; j++ {
				b = append(b, b64[v&63])
				v >>= 6
			}
		}
		b = append(b, "\" alt=\"\" />\r\n"...)
	case 7:
		b = append(b, "  <%-- "...)
		b = append(b, pick(r, logWords)...)
		b = append(b, " "...)
		b = append(b, pick(r, camel)...)
		b = append(b, " --%>\r\n"...)
	default:
		b = append(b, "  <p class=\"text\">"...)
		for i := 0; i < 4+r.IntN(10); i++ {
			b = append(b, strings.ToLower(pick(r, camel))...)
			b = append(b, ' ')
		}
		b = append(b, "</p>\r\n"...)
	}
	return b
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func jsCode(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	a, c, d := pick(r, jsIdents), pick(r, jsIdents), pick(r, jsIdents)
	switch r.IntN(6) {
	case 0:
		b = append(b, "function "...)
		b = append(b, a...)
		b = append(b, pick(r, camel)...)
		b = append(b, "("...)
		b = append(b, c...)
		b = append(b, ","...)
		b = append(b, d...)
		b = append(b, "){if(!"...)
		b = append(b, c...)
		b = append(b, ")return null;var n="...)
		b = append(b, c...)
		b = append(b, "["...)
		b = append(b, d...)
		b = append(b, "];return n&&n.length>0?n:null}\r\n"...)
	case 1:
		b = append(b, a...)
		b = append(b, ".prototype."...)
		b = append(b, strings.ToLower(pick(r, camel))...)
		b = append(b, pick(r, camel)...)
		b = append(b, "=function("...)
		b = append(b, c...)
		b = append(b, "){this."...)
		b = append(b, d...)
		b = append(b, "="...)
		b = append(b, c...)
		b = append(b, ";this.raisePropertyChanged(\""...)
		b = append(b, d...)
		b = append(b, "\")};\r\n"...)
	case 2:
		b = append(b, "Type.registerNamespace(\"Microsoft.Exchange."...)
		b = append(b, pick(r, exWords)...)
		b = append(b, "\");\r\n"...)
	case 3:
		b = append(b, "var "...)
		b = append(b, a...)
		b = strconv.AppendInt(b, int64(r.IntN(100)), 10)
		b = append(b, "={"...)
		b = append(b, c...)
		b = append(b, ":"...)
		b = strconv.AppendInt(b, int64(r.IntN(10000)), 10)
		b = append(b, ","...)
		b = append(b, d...)
		b = append(b, ":\""...)
		b = append(b, pick(r, camel)...)
		b = append(b, "\"};\r\n"...)
	case 4:
		// The JSON fallback old OWA scripts carry: a legitimate eval.
		b = append(b, "function parseJson(t){return window.JSON?JSON.parse(t):eval(\"(\"+t+\")\")}\r\n"...)
	default:
		b = append(b, "if("...)
		b = append(b, a...)
		b = append(b, "&&"...)
		b = append(b, a...)
		b = append(b, "."...)
		b = append(b, c...)
		b = append(b, "){"...)
		b = append(b, a...)
		b = append(b, "."...)
		b = append(b, c...)
		b = append(b, "("...)
		b = append(b, d...)
		b = append(b, ");}\r\n"...)
	}
	return b
}

func cssRules(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	b = append(b, '.')
	b = append(b, strings.ToLower(pick(r, camel))...)
	b = append(b, pick(r, camel)...)
	b = append(b, '{')
	for i := 0; i < 1+r.IntN(4); i++ {
		b = append(b, pick(r, cssProps)...)
		b = append(b, ';')
	}
	return append(b, "}\r\n"...)
}

func csComment(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	b = append(b, "<%-- "...)
	b = append(b, pick(r, exWords)...)
	b = append(b, " handler: "...)
	b = append(b, pick(r, camel)...)
	return append(b, " --%>\r\n"...)
}

func psCode(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	v := pick(r, camel)
	switch r.IntN(4) {
	case 0:
		b = append(b, "function "...)
		b = append(b, pick(r, []string{"Get-", "Set-", "Test-", "Write-"})...)
		b = append(b, v...)
		b = append(b, "\r\n{\r\n    param([string]$Identity, [switch]$Force)\r\n    $result = Get-Item -Path $Identity -ErrorAction SilentlyContinue\r\n    return $result\r\n}\r\n"...)
	case 1:
		b = append(b, "$"...)
		b = append(b, v...)
		b = append(b, " = Join-Path $env:ExchangeInstallPath \""...)
		b = append(b, pick(r, []string{"Bin", "Logging", "Scripts", "ClientAccess"})...)
		b = append(b, "\"\r\n"...)
	case 2:
		b = append(b, "Write-Verbose \""...)
		b = append(b, pick(r, logWords)...)
		b = append(b, " "...)
		b = append(b, v...)
		b = append(b, "\"\r\n"...)
	default:
		b = append(b, "if ($"...)
		b = append(b, v...)
		b = append(b, " -eq $null) { throw \""...)
		b = append(b, v...)
		b = append(b, " is required\" }\r\n"...)
	}
	return b
}

func iniLines(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	if r.IntN(8) == 0 {
		b = append(b, "\r\n["...)
		b = append(b, pick(r, camel)...)
		b = append(b, pick(r, camel)...)
		b = append(b, "]\r\n"...)
	}
	b = append(b, pick(r, camel)...)
	b = append(b, '=')
	b = append(b, strings.ToLower(pick(r, sysSyl))...)
	b = append(b, pick(r, []string{".dll", ".sys", ",,,0x00000001", ",%10%\\System32"})...)
	return append(b, "\r\n"...)
}

func jsonItems(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	b = append(b, "  {\"name\": \""...)
	b = append(b, pick(r, camel)...)
	b = append(b, "\", \"id\": \""...)
	b = appendGUID(b, src)
	b = append(b, "\", \"value\": "...)
	b = strconv.AppendInt(b, int64(r.IntN(100000)), 10)
	return append(b, "},\r\n"...)
}

func xmlElems(b []byte, r *rand.Rand, src *rand.PCG) []byte {
	e := pick(r, camel)
	switch r.IntN(4) {
	case 0:
		b = append(b, "  <"...)
		b = append(b, e...)
		b = append(b, " name=\""...)
		b = append(b, pick(r, camel)...)
		b = append(b, "\" value=\""...)
		b = strconv.AppendInt(b, int64(r.IntN(100000)), 10)
		b = append(b, "\" />\r\n"...)
	case 1:
		b = append(b, "  <add key=\""...)
		b = append(b, pick(r, exWords)...)
		b = append(b, "."...)
		b = append(b, e...)
		b = append(b, "\" value=\""...)
		b = append(b, pick(r, []string{"true", "false", "00:05:00", "100", "Default"})...)
		b = append(b, "\" />\r\n"...)
	case 2:
		b = append(b, "  <assemblyIdentity name=\"Microsoft-Windows-"...)
		b = append(b, e...)
		b = append(b, "\" version=\"10.0.14393."...)
		b = strconv.AppendInt(b, int64(4000+r.IntN(1000)), 10)
		b = append(b, "\" processorArchitecture=\"amd64\" publicKeyToken=\"31bf3856ad364e35\" />\r\n"...)
	default:
		b = append(b, "  <"...)
		b = append(b, e...)
		b = append(b, ">\r\n    <Id>"...)
		b = appendGUID(b, src)
		b = append(b, "</Id>\r\n    <Description>"...)
		b = append(b, pick(r, logWords)...)
		b = append(b, " "...)
		b = append(b, strings.ToLower(pick(r, camel))...)
		b = append(b, "</Description>\r\n  </"...)
		b = append(b, e...)
		b = append(b, ">\r\n"...)
	}
	return b
}
