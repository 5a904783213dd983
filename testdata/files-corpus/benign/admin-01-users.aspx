<%@ Page Title="Users" Language="C#" MasterPageFile="~/Admin/Admin.Master" AutoEventWireup="true" CodeBehind="Users.aspx.cs" Inherits="Contoso.Helpdesk.Admin.Users" %>
<%@ Register TagPrefix="uc" TagName="Pager" Src="~/Controls/Pager.ascx" %>

<asp:Content ID="HeadContent" ContentPlaceHolderID="HeadContent" runat="server">
    <style>
        .grid td, .grid th { padding: 4px 8px; border-bottom: 1px solid #e5e5e5; }
        .grid .disabled { color: #999; }
    </style>
</asp:Content>

<asp:Content ID="MainContent" ContentPlaceHolderID="MainContent" runat="server">
    <h2>User accounts</h2>
    <asp:Panel runat="server" DefaultButton="btnSearch" CssClass="toolbar">
        <asp:TextBox ID="txtFilter" runat="server" placeholder="Name or e-mail" />
        <asp:Button ID="btnSearch" runat="server" Text="Search" OnClick="btnSearch_Click" />
        <asp:HyperLink runat="server" NavigateUrl="~/Admin/EditUser.aspx" Text="New user" CssClass="button" />
    </asp:Panel>

    <asp:GridView ID="gvUsers" runat="server" AutoGenerateColumns="false" CssClass="grid" DataKeyNames="UserId"
        AllowSorting="true" OnSorting="gvUsers_Sorting" OnRowCommand="gvUsers_RowCommand" EmptyDataText="No users match the filter.">
        <Columns>
            <asp:BoundField DataField="DisplayName" HeaderText="Name" SortExpression="DisplayName" HtmlEncode="true" />
            <asp:BoundField DataField="Email" HeaderText="E-mail" SortExpression="Email" />
            <asp:TemplateField HeaderText="Role" SortExpression="Role">
                <ItemTemplate><%# Eval("Role") %></ItemTemplate>
            </asp:TemplateField>
            <asp:TemplateField HeaderText="Last sign-in" SortExpression="LastLogin">
                <ItemTemplate><%# Eval("LastLogin", "{0:yyyy-MM-dd HH:mm}") %></ItemTemplate>
            </asp:TemplateField>
            <asp:TemplateField HeaderText="Status">
                <ItemTemplate>
                    <span class='<%# (bool)Eval("Enabled") ? "" : "disabled" %>'><%# (bool)DataBinder.Eval(Container.DataItem, "Enabled") ? "Active" : "Disabled" %></span>
                </ItemTemplate>
            </asp:TemplateField>
            <asp:TemplateField>
                <ItemTemplate>
                    <asp:HyperLink runat="server" NavigateUrl='<%# "~/Admin/EditUser.aspx?id=" + Eval("UserId") %>' Text="Edit" />
                    <asp:LinkButton runat="server" CommandName="ResetPassword" CommandArgument='<%# Eval("UserId") %>' Text="Reset password"
                        OnClientClick="return confirm('Send a password reset e-mail to this user?');" />
                </ItemTemplate>
            </asp:TemplateField>
        </Columns>
    </asp:GridView>
    <uc:Pager ID="pager" runat="server" PageSize="25" OnPageChanged="pager_PageChanged" />
</asp:Content>
