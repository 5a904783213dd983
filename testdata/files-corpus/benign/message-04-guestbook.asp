<%@ Language=VBScript %>
<% Option Explicit
Dim conn, rs, cmd
Set conn = Server.CreateObject("ADODB.Connection")
conn.Open Application("GuestbookDSN")
If Request.ServerVariables("REQUEST_METHOD") = "POST" And Len(Request.Form("comment")) > 0 Then
    Set cmd = Server.CreateObject("ADODB.Command")
    Set cmd.ActiveConnection = conn
    cmd.CommandText = "INSERT INTO Entries (Author, Comment, Posted) VALUES (?, ?, GETDATE())"
    cmd.Parameters.Append cmd.CreateParameter("author", 202, 1, 80, Left(Request.Form("author"), 80))
    cmd.Parameters.Append cmd.CreateParameter("comment", 203, 1, 4000, Left(Request.Form("comment"), 4000))
    cmd.Execute
    Response.Redirect "guestbook.asp"
End If
Set rs = conn.Execute("SELECT TOP 50 Author, Comment, Posted FROM Entries ORDER BY Posted DESC")
%>
<html><head><title>Guestbook</title></head><body>
<h1>Guestbook</h1>
<form method="post" action="guestbook.asp">
Name: <input name="author" maxlength="80"><br>
<textarea name="comment" rows="4" cols="60"></textarea><br>
<input type="submit" value="Sign">
</form>
<% Do While Not rs.EOF %>
<div class="entry"><b><%= Server.HTMLEncode(rs("Author")) %></b> (<%= rs("Posted") %>)<br><%= Server.HTMLEncode(rs("Comment")) %></div>
<% rs.MoveNext
Loop
rs.Close
conn.Close %>
</body></html>
