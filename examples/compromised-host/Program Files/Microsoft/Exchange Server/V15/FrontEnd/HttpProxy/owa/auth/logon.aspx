<%@ Page Language="C#" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>
<html><head><title>Outlook</title></head><body><form action="/owa/auth.owa" method="POST"></form></body></html>
