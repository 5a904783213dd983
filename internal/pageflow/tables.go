package pageflow

// Token kinds.
const (
	tIdent uint8 = iota + 1
	tStr
	tNum
	tPunct
)

// Operator codes for multi-character punctuation; single-character punctuation is its own byte.
// Only the distinctions the analysis needs are kept: "=" (assignment in C-like code) must not be
// confused with "==", "=>", "<=" and friends, and a comparison next to a source means the source
// is only tested, not passed on.
const (
	opEqEq     uint8 = 128 + iota // == ===
	opNe                          // != !==
	opVBNe                        // <>
	opLe                          // <=
	opGe                          // >=
	opArrow                       // =>
	opCompound                    // += -= *= /= %= &= |= ^= ??=
	opAndAnd                      // &&
	opOrOr                        // ||
	opCoalesce                    // ??
	opColonEq                     // :=
	opScope                       // ::
	opIncDec                      // ++ --
	opPtr                         // ->
)

// Languages of a code region. The unknown language (no directive says) is treated permissively:
// both JScript's eval and VBScript's Execute count as sinks there.
type lang uint8

const (
	langUnknown lang = iota
	langCS
	langVB  // VB.NET
	langJS  // JScript (.NET or classic ASP)
	langVBS // VBScript (classic ASP)
)

// Variable attributes. Bit i of an attribute set corresponds to feature i, so the attributes an
// assignment gives its target are simply the features present on its right-hand side.
const (
	fSrc     = iota // request data (or a tainted variable)
	fProc           // a Process / ProcessStartInfo object
	fShell          // a WScript.Shell / Shell.Application object
	fWriter         // a writable file stream or writer
	fRefl           // a MethodInfo obtained by reflection
	fEval           // something naming JScriptEvaluate
	fControl        // an input server control (TextBox, HiddenField, <input runat=server>)
	fStream         // an ADODB.Stream object
	nFeat
)

const (
	vTaint   uint16 = 1 << fSrc
	vProc    uint16 = 1 << fProc
	vShell   uint16 = 1 << fShell
	vWriter  uint16 = 1 << fWriter
	vRefl    uint16 = 1 << fRefl
	vEval    uint16 = 1 << fEval
	vControl uint16 = 1 << fControl
	vStream  uint16 = 1 << fStream
)

// Keyword identities: the words the analysis switches on.
const (
	kwNone uint8 = iota
	kwRequest
	kwEval
	kwExecute // Execute, ExecuteGlobal (VBScript)
	kwJScriptEvaluate
	kwLoad // Load, LoadFrom, LoadFile, UnsafeLoadFrom, LoadWithPartialName
	kwAssembly
	kwDomain // AppDomain, CurrentDomain
	kwCompile
	kwCreateInstance
	kwGetType
	kwInvokeMember
	kwInvoke
	kwGetMethod
	kwStart
	kwProcess
	kwProcessStartInfo
	kwStartInfo
	kwProcProp  // FileName, Arguments
	kwShellCall // Exec, Run, ShellExecute
	kwShell
	kwInteraction
	kwFile
	kwFileMethod // a File.X method name; the class bits say what it does
	kwFileStream
	kwWriterCtor // StreamWriter, BinaryWriter
	kwSaveAs
	kwCreateTextFile
	kwOpenTextFile
	kwSaveToFile
	kwFsoCopy
	kwDownloadFile
	kwWrite
	kwCopyTo
	kwRead
	kwWebMethod
	kwIn
	kwAs
	kwNew
	kwThis
	kwThen
	kwElse
	kwWith
	kwEnd
	kwSubFunc // Sub, Function (also JScript's function)
	kwRem
	kwBase
	kwVar
	kwReturn
	kwOutRef // out, ref: call arguments the callee writes
	kwFramework
)

// Keyword classes (bit sets): a word may belong to several.
const (
	cReqMember   uint32 = 1 << iota // Request.<member> that carries client data
	cBoolish                        // member whose result is a bool or a number (x.Length, x.Equals(...))
	cSanitize                       // call whose result is a number, date or bool (int.Parse, CInt)
	cScalar                         // scalar type name: a variable of it cannot carry a command
	cControlType                    // input server control type
	cCtlMember                      // .Text / .Value
	cVBDecl                         // VB declaration modifiers (Dim, Private, ...)
	cVBSet                          // Set, Let
	cVBNoAssign                     // VB clause openers after which "=" compares
	cNotMethod                      // C-like words that look like calls but are not method names
	cParamMod                       // parameter modifiers (ByVal, ref, out, ...)
	cFileWrite                      // File.X that writes a file
	cFileOpen                       // File.Open: writes only with a write mode
	cWriteMode                      // FileMode / FileAccess / IOMode words meaning write
	cVBCont                         // word that continues a VB line (And, Or, ...)
)

type kwInfo struct {
	id  uint8
	cls uint32
}

// maxKwLen is the longest keyword; longer identifiers skip the keyword lookup.
const maxKwLen = 26

// keywords is read-only after package initialisation.
var keywords = map[string]kwInfo{
	"request": {kwRequest, 0},

	// Framework objects never become tainted by a member assignment
	// (Response.Cookies["a"].Value = Request["a"] does not make Response request data).
	"response":    {kwFramework, 0},
	"server":      {kwFramework, 0},
	"context":     {kwFramework, 0},
	"httpcontext": {kwFramework, 0},

	"form":                     {kwNone, cReqMember},
	"querystring":              {kwNone, cReqMember},
	"item":                     {kwNone, cReqMember},
	"params":                   {kwNone, cReqMember | cParamMod},
	"headers":                  {kwNone, cReqMember},
	"cookies":                  {kwNone, cReqMember},
	"files":                    {kwNone, cReqMember},
	"inputstream":              {kwNone, cReqMember},
	"binaryread":               {kwNone, cReqMember},
	"servervariables":          {kwNone, cReqMember},
	"rawurl":                   {kwNone, cReqMember},
	"urlreferrer":              {kwNone, cReqMember},
	"useragent":                {kwNone, cReqMember},
	"pathinfo":                 {kwNone, cReqMember},
	"getbufferlessinputstream": {kwNone, cReqMember},
	"getbufferedinputstream":   {kwNone, cReqMember},
	"unvalidated":              {kwNone, cReqMember},
	"body":                     {kwNone, cReqMember},
	"query":                    {kwNone, cReqMember},

	"equals":     {kwNone, cBoolish},
	"startswith": {kwNone, cBoolish},
	"endswith":   {kwNone, cBoolish},
	"contains":   {kwNone, cBoolish},
	"length":     {kwNone, cBoolish},
	"count":      {kwNone, cBoolish},
	"indexof":    {kwNone, cBoolish},
	"haskeys":    {kwNone, cBoolish},
	"compareto":  {kwNone, cBoolish},

	"parse":              {kwNone, cSanitize},
	"tryparse":           {kwNone, cSanitize},
	"parseexact":         {kwNone, cSanitize},
	"tryparseexact":      {kwNone, cSanitize},
	"isnullorempty":      {kwNone, cSanitize},
	"isnullorwhitespace": {kwNone, cSanitize},
	"exists":             {kwNone, cSanitize},
	"toint16":            {kwNone, cSanitize},
	"toint32":            {kwNone, cSanitize},
	"toint64":            {kwNone, cSanitize},
	"touint16":           {kwNone, cSanitize},
	"touint32":           {kwNone, cSanitize},
	"touint64":           {kwNone, cSanitize},
	"todouble":           {kwNone, cSanitize},
	"tosingle":           {kwNone, cSanitize},
	"todecimal":          {kwNone, cSanitize},
	"toboolean":          {kwNone, cSanitize},
	"todatetime":         {kwNone, cSanitize},
	"cint":               {kwNone, cSanitize},
	"clng":               {kwNone, cSanitize},
	"cbool":              {kwNone, cSanitize},
	"cdate":              {kwNone, cSanitize},
	"cdbl":               {kwNone, cSanitize},
	"csng":               {kwNone, cSanitize},
	"cshort":             {kwNone, cSanitize},
	"cdec":               {kwNone, cSanitize},
	"isnumeric":          {kwNone, cSanitize},
	"len":                {kwNone, cSanitize},

	"int":      {kwNone, cScalar},
	"long":     {kwNone, cScalar},
	"short":    {kwNone, cScalar},
	"byte":     {kwNone, cScalar},
	"sbyte":    {kwNone, cScalar},
	"uint":     {kwNone, cScalar},
	"ulong":    {kwNone, cScalar},
	"ushort":   {kwNone, cScalar},
	"bool":     {kwNone, cScalar},
	"boolean":  {kwNone, cScalar},
	"double":   {kwNone, cScalar},
	"float":    {kwNone, cScalar},
	"single":   {kwNone, cScalar},
	"decimal":  {kwNone, cScalar},
	"datetime": {kwNone, cScalar},
	"timespan": {kwNone, cScalar},
	"guid":     {kwNone, cScalar},
	"char":     {kwNone, cScalar},
	"integer":  {kwNone, cScalar},
	"date":     {kwNone, cScalar},
	"int16":    {kwNone, cScalar},
	"int32":    {kwNone, cScalar},
	"int64":    {kwNone, cScalar},

	"textbox":           {kwNone, cControlType},
	"hiddenfield":       {kwNone, cControlType},
	"htmlinputtext":     {kwNone, cControlType},
	"htmlinputhidden":   {kwNone, cControlType},
	"htmlinputpassword": {kwNone, cControlType},
	"htmltextarea":      {kwNone, cControlType},
	"htmlselect":        {kwNone, cControlType},
	"text":              {kwNone, cCtlMember},
	"value":             {kwNone, cCtlMember},

	"dim":        {kwNone, cVBDecl},
	"const":      {kwNone, cVBDecl},
	"private":    {kwNone, cVBDecl},
	"public":     {kwNone, cVBDecl},
	"protected":  {kwNone, cVBDecl},
	"friend":     {kwNone, cVBDecl},
	"static":     {kwNone, cVBDecl},
	"shared":     {kwNone, cVBDecl},
	"readonly":   {kwNone, cVBDecl},
	"withevents": {kwNone, cVBDecl},
	"redim":      {kwNone, cVBDecl},
	"preserve":   {kwNone, cVBDecl},
	"overrides":  {kwNone, cVBDecl},
	"overloads":  {kwNone, cVBDecl},
	"shadows":    {kwNone, cVBDecl},
	"set":        {kwNone, cVBSet},
	"let":        {kwNone, cVBSet},

	"if":       {kwNone, cVBNoAssign | cNotMethod},
	"elseif":   {kwNone, cVBNoAssign},
	"while":    {kwNone, cVBNoAssign | cNotMethod},
	"until":    {kwNone, cVBNoAssign},
	"do":       {kwNone, cVBNoAssign},
	"loop":     {kwNone, cVBNoAssign},
	"case":     {kwNone, cVBNoAssign},
	"select":   {kwNone, cVBNoAssign},
	"call":     {kwNone, cVBNoAssign},
	"for":      {kwNone, cVBNoAssign | cNotMethod},
	"each":     {kwNone, cVBNoAssign},
	"exit":     {kwNone, cVBNoAssign},
	"on":       {kwNone, cVBNoAssign},
	"throw":    {kwNone, cVBNoAssign | cNotMethod},
	"option":   {kwNone, cVBNoAssign},
	"imports":  {kwNone, cVBNoAssign},
	"next":     {kwNone, cVBNoAssign},
	"wend":     {kwNone, cVBNoAssign},
	"foreach":  {kwNone, cNotMethod},
	"switch":   {kwNone, cNotMethod},
	"catch":    {kwNone, cNotMethod},
	"using":    {kwNone, cNotMethod},
	"lock":     {kwNone, cNotMethod},
	"fixed":    {kwNone, cNotMethod},
	"typeof":   {kwNone, cNotMethod},
	"sizeof":   {kwNone, cNotMethod},
	"nameof":   {kwNone, cNotMethod},
	"when":     {kwNone, cNotMethod},
	"checked":  {kwNone, cNotMethod},
	"default":  {kwNone, cNotMethod},
	"await":    {kwNone, cNotMethod},
	"byval":    {kwNone, cParamMod},
	"byref":    {kwNone, cParamMod},
	"optional": {kwNone, cParamMod},
	"ref":      {kwOutRef, cParamMod},
	"out":      {kwOutRef, cParamMod},

	"and":     {kwNone, cVBCont},
	"or":      {kwNone, cVBCont},
	"andalso": {kwNone, cVBCont},
	"orelse":  {kwNone, cVBCont},
	"xor":     {kwNone, cVBCont},

	"eval":            {kwEval, 0},
	"execute":         {kwExecute, 0},
	"executeglobal":   {kwExecute, 0},
	"jscriptevaluate": {kwJScriptEvaluate, 0},

	"load":                {kwLoad, 0},
	"loadfrom":            {kwLoad, 0},
	"loadfile":            {kwLoad, 0},
	"unsafeloadfrom":      {kwLoad, 0},
	"loadwithpartialname": {kwLoad, 0},
	"assembly":            {kwAssembly, 0},
	"appdomain":           {kwDomain, 0},
	"currentdomain":       {kwDomain, 0},

	"compileassemblyfromsource": {kwCompile, 0},
	"compileassemblyfromdom":    {kwCompile, 0},
	"compileassemblyfromfile":   {kwCompile, 0},
	"createinstance":            {kwCreateInstance, 0},
	"createinstancefrom":        {kwCreateInstance, 0},
	"gettype":                   {kwGetType, 0},
	"invokemember":              {kwInvokeMember, 0},
	"invoke":                    {kwInvoke, 0},
	"getmethod":                 {kwGetMethod, 0},

	"start":            {kwStart, 0},
	"process":          {kwProcess, 0},
	"processstartinfo": {kwProcessStartInfo, 0},
	"startinfo":        {kwStartInfo, 0},
	"filename":         {kwProcProp, 0},
	"arguments":        {kwProcProp, 0},
	"exec":             {kwShellCall, 0},
	"run":              {kwShellCall, 0},
	"shellexecute":     {kwShellCall, 0},
	"shell":            {kwShell, 0},
	"interaction":      {kwInteraction, 0},

	"file":                {kwFile, 0},
	"writeallbytes":       {kwFileMethod, cFileWrite},
	"writealltext":        {kwFileMethod, cFileWrite},
	"writealllines":       {kwFileMethod, cFileWrite},
	"appendalltext":       {kwFileMethod, cFileWrite},
	"appendalllines":      {kwFileMethod, cFileWrite},
	"writeallbytesasync":  {kwFileMethod, cFileWrite},
	"writealltextasync":   {kwFileMethod, cFileWrite},
	"writealllinesasync":  {kwFileMethod, cFileWrite},
	"appendalltextasync":  {kwFileMethod, cFileWrite},
	"appendalllinesasync": {kwFileMethod, cFileWrite},
	"create":              {kwFileMethod, cFileWrite | cWriteMode},
	"createtext":          {kwFileMethod, cFileWrite},
	"appendtext":          {kwFileMethod, cFileWrite},
	"openwrite":           {kwFileMethod, cFileWrite},
	"copy":                {kwFileMethod, cFileWrite},
	"move":                {kwFileMethod, cFileWrite},
	"replace":             {kwFileMethod, cFileWrite},
	"open":                {kwFileMethod, cFileOpen},
	"append":              {kwNone, cWriteMode},
	"openorcreate":        {kwNone, cWriteMode},
	"createnew":           {kwNone, cWriteMode},
	"truncate":            {kwNone, cWriteMode},
	"readwrite":           {kwNone, cWriteMode},
	"forwriting":          {kwNone, cWriteMode},
	"forappending":        {kwNone, cWriteMode},
	"filestream":          {kwFileStream, 0},
	"streamwriter":        {kwWriterCtor, 0},
	"binarywriter":        {kwWriterCtor, 0},
	"saveas":              {kwSaveAs, 0},
	"createtextfile":      {kwCreateTextFile, 0},
	"opentextfile":        {kwOpenTextFile, 0},
	"savetofile":          {kwSaveToFile, 0},
	"copyfile":            {kwFsoCopy, 0},
	"movefile":            {kwFsoCopy, 0},
	"downloadfile":        {kwDownloadFile, 0},
	"write":               {kwWrite, cWriteMode},
	"writeline":           {kwWrite, 0},
	"writetext":           {kwWrite, 0},
	"copyto":              {kwCopyTo, 0},
	"read":                {kwRead, 0},
	"webmethod":           {kwWebMethod, 0},
	"webmethodattribute":  {kwWebMethod, 0},
	"in":                  {kwIn, 0},
	"as":                  {kwAs, 0},
	"new":                 {kwNew, cNotMethod},
	"this":                {kwThis, cNotMethod},
	"me":                  {kwThis, 0},
	"then":                {kwThen, 0},
	"else":                {kwElse, cVBNoAssign | cNotMethod},
	"with":                {kwWith, 0},
	"end":                 {kwEnd, cVBNoAssign},
	"sub":                 {kwSubFunc, 0},
	"function":            {kwSubFunc, 0},
	"rem":                 {kwRem, 0},
	"base":                {kwBase, cNotMethod},
	"var":                 {kwVar, 0},
	"return":              {kwReturn, cVBNoAssign | cNotMethod},
}
