<%@ Page Title="Settings" Language="C#" MasterPageFile="~/Admin/Admin.Master" AutoEventWireup="true" CodeBehind="Settings.aspx.cs" Inherits="Contoso.Helpdesk.Admin.Settings" ValidateRequest="true" %>

<asp:Content ID="MainContent" ContentPlaceHolderID="MainContent" runat="server">
    <h2>Site settings</h2>
    <asp:ValidationSummary runat="server" CssClass="error" HeaderText="Please correct the following:" />
    <fieldset>
        <legend>Mail</legend>
        <asp:Label runat="server" AssociatedControlID="txtSmtpHost" Text="SMTP server" />
        <asp:TextBox ID="txtSmtpHost" runat="server" />
        <asp:RequiredFieldValidator runat="server" ControlToValidate="txtSmtpHost" ErrorMessage="SMTP server is required." Text="*" />
        <asp:Label runat="server" AssociatedControlID="txtSmtpPort" Text="Port" />
        <asp:TextBox ID="txtSmtpPort" runat="server" Columns="5" />
        <asp:RangeValidator runat="server" ControlToValidate="txtSmtpPort" Type="Integer" MinimumValue="1" MaximumValue="65535" ErrorMessage="Port must be between 1 and 65535." Text="*" />
        <asp:CheckBox ID="chkSsl" runat="server" Text="Use TLS" />
    </fieldset>
    <fieldset>
        <legend>Tickets</legend>
        <asp:Label runat="server" AssociatedControlID="ddlDefaultQueue" Text="Default queue" />
        <asp:DropDownList ID="ddlDefaultQueue" runat="server" DataTextField="Name" DataValueField="QueueId" />
        <asp:Label runat="server" AssociatedControlID="txtAutoClose" Text="Close resolved tickets after (days)" />
        <asp:TextBox ID="txtAutoClose" runat="server" Columns="3" />
        <asp:CompareValidator runat="server" ControlToValidate="txtAutoClose" Operator="DataTypeCheck" Type="Integer" ErrorMessage="Days must be a number." Text="*" />
    </fieldset>
    <fieldset>
        <legend>Attachments</legend>
        <asp:Label runat="server" AssociatedControlID="txtMaxUpload" Text="Largest attachment (MB)" />
        <asp:TextBox ID="txtMaxUpload" runat="server" Columns="3" />
        <asp:Label runat="server" AssociatedControlID="txtAllowedExt" Text="Allowed extensions" />
        <asp:TextBox ID="txtAllowedExt" runat="server" Text=".pdf;.png;.jpg;.docx;.xlsx" />
    </fieldset>
    <asp:Button ID="btnSave" runat="server" Text="Save" OnClick="btnSave_Click" />
    <asp:Label ID="lblSaved" runat="server" EnableViewState="false" CssClass="ok" />
    <p class="footnote">Version <%= typeof(Contoso.Helpdesk.Global).Assembly.GetName().Version %></p>
</asp:Content>
